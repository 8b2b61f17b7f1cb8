/*
 * integra-sockrun: runs a server the way systemd or inetd would, for the
 * tests of integra-ingest's socket modes.
 *
 *	integra-sockrun -P portfile -- command [args]
 *		listens on 127.0.0.1 (a free port, written to portfile) and
 *		runs command with the listening socket as fd 3 and
 *		LISTEN_FDS=1, LISTEN_PID=its pid (systemd, Accept=no);
 *	integra-sockrun -a -P portfile -- command [args]
 *		listens, accepts one connection and runs command with it as
 *		standard input and output (inetd, or systemd Accept=yes).
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -o integra-sockrun tests/sockrun.c
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

static void
die(const char *what)
{
	perror(what);
	exit(EX_OSERR);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	const char *portfile = NULL;
	char pid[32], tmp[4096];
	FILE *f;
	int ch, fd, conn, accept_one = 0;

	while ((ch = getopt(argc, argv, "aP:")) != -1) {
		switch (ch) {
		case 'a':
			accept_one = 1;
			break;
		case 'P':
			portfile = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (portfile == NULL || optind >= argc)
		goto usage;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		die("listen");
	/* The port file appears whole: written aside, then renamed. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((f = fopen(tmp, "w")) == NULL)
		die(tmp);
	fprintf(f, "%d\n", ntohs(sin.sin_port));
	if (fclose(f) != 0 || rename(tmp, portfile) != 0)
		die(portfile);

	if (accept_one) {
		if ((conn = accept(fd, NULL, NULL)) == -1)
			die("accept");
		close(fd);
		if (dup2(conn, 0) == -1 || dup2(conn, 1) == -1)
			die("dup2");
		if (conn > 1)
			close(conn);
	} else {
		if (fd != 3 && (dup2(fd, 3) == -1 || close(fd) == -1))
			die("dup2");
		snprintf(pid, sizeof(pid), "%ld", (long)getpid());
		setenv("LISTEN_FDS", "1", 1);
		setenv("LISTEN_PID", pid, 1);
	}
	execvp(argv[optind], argv + optind);
	die(argv[optind]);
usage:
	fprintf(stderr, "usage: integra-sockrun [-a] -P portfile -- command"
	    " [args]\n");
	return EX_USAGE;
}
