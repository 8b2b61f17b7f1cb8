/*
 * listen: the listening socket of a server, from an address.
 *
 * An address is HOST:PORT with HOST an IPv4 address, [IPv6]:PORT, or a
 * path (it contains a '/') for a unix socket, which is created anew.
 *
 * Ownership: listen_on and listen_inherited hand the caller a socket to
 * close with close(2).  Nothing else is allocated; addr is only read.
 */
#ifndef INTEGRA_HTTPD_LISTEN_H
#define INTEGRA_HTTPD_LISTEN_H

#include <stddef.h>

/*
 * Returns a listening, close-on-exec socket, or -1 with the reason in err.
 */
int	listen_on(const char *addr, char *err, size_t errsz);
/*
 * The listening socket systemd passed (LISTEN_PID is ours, LISTEN_FDS is
 * 1: fd 3), with the variables then unset as sd_listen_fds(1) does; -1
 * if there is none, or -2 with the reason in err if what was passed is not
 * one listening socket.
 */
int	listen_inherited(char *err, size_t errsz);
/* The port a TCP socket listens on, or 0 (a unix socket, or an error). */
int	listen_port(int fd);

#endif
