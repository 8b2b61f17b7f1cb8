#!/usr/bin/perl
# sql-pg.pl: the SQL a test script gives q (tests/lib.sh), written for
# SQLite, as PostgreSQL reads it: a "string" outside 'quotes' is SQLite's
# string literal (a name it does not know as a column), given as a
# 'string', "" within it a ", but for the columns named as keywords,
# which stay names.  Reads the SQL on standard input, writes it on
# standard output.
use strict;
use warnings;

my %names = map { $_ => 1 } qw(full window);

local $/;
my $sql = <STDIN>;
$sql =~ s{('(?:[^']|'')*')|"((?:[^"]|"")*)"}{
	if (defined $1) {
		$1;
	} elsif ($names{$2}) {
		"\"$2\"";
	} else {
		(my $v = $2) =~ s/""/"/g;
		$v =~ s/'/''/g;
		"'$v'";
	}
}ge;
print $sql;
