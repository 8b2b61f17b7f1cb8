/*
 * listen: the listening socket of a server.  See listen.h.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "httpd/listen.h"

#define BACKLOG	1024

/* The port of "...:PORT", or -1. */
static int
port_of(const char *s)
{
	char *end;
	long port;

	if (*s == '\0')
		return -1;
	errno = 0;
	port = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || port < 0 || port > 65535)
		return -1;
	return (int)port;
}

static int
fail(char *err, size_t errsz, const char *addr, const char *what)
{
	snprintf(err, errsz, "listen '%s': %s", addr, what);
	return -1;
}

int
listen_on(const char *addr, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *un = (struct sockaddr_un *)&ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *rb;
	socklen_t len;
	int fd, one = 1, port;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, '/') != NULL) {
		if (strlen(addr) >= sizeof(un->sun_path))
			return fail(err, errsz, addr, "path too long");
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, addr);
		len = sizeof(*un);
		(void)unlink(addr);
	} else if (addr[0] == '[') {
		if ((rb = strchr(addr, ']')) == NULL || rb[1] != ':' ||
		    (size_t)(rb - addr - 1) >= sizeof(host) ||
		    (port = port_of(rb + 2)) < 0)
			return fail(err, errsz, addr, "not [IPv6]:PORT");
		memcpy(host, addr + 1, (size_t)(rb - addr - 1));
		host[rb - addr - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return fail(err, errsz, addr, "not an IPv6 address");
		len = sizeof(*in6);
	} else {
		if ((colon = strrchr(addr, ':')) == NULL ||
		    (size_t)(colon - addr) >= sizeof(host) ||
		    (port = port_of(colon + 1)) < 0)
			return fail(err, errsz, addr, "not HOST:PORT");
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		in4->sin_family = AF_INET;
		in4->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
			return fail(err, errsz, addr, "not an IPv4 address");
		len = sizeof(*in4);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return fail(err, errsz, addr, strerror(errno));
	if (ss.ss_family != AF_UNIX)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, BACKLOG) == -1) {
		fail(err, errsz, addr, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
listen_inherited(char *err, size_t errsz)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int listening = 0;
	socklen_t len = sizeof(listening);
	char *end;
	long n;

	if (pid == NULL || fds == NULL)
		return -1;
	n = strtol(pid, &end, 10);
	if (*end != '\0' || n != (long)getpid())
		return -1;
	n = strtol(fds, &end, 10);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (*end != '\0' || n != 1) {
		snprintf(err, errsz, "systemd passed %s sockets, not one", fds);
		return -2;
	}
	if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1 ||
	    !listening) {
		snprintf(err, errsz, "the socket systemd passed is not"
		    " listening (Accept=yes wants --inetd)");
		return -2;
	}
	(void)fcntl(3, F_SETFD, FD_CLOEXEC);
	return 3;
}

int
listen_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}
