/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http_server.h - the smallest HTTP server the lab's monitor needs: GET
 * only, one request per connection (Connection: close), non-blocking
 * sockets under one poll() loop that the caller owns, so a slow or
 * silent client never holds the loop. Requests are bounded in size and
 * time; what is not a GET of a known path gets 400, 404, 405 or 431.
 */
#ifndef RESCAN_HTTP_SERVER_H
#define RESCAN_HTTP_SERVER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define HTTP_REQUEST_MAX 8192	/* request line and headers */
#define HTTP_PATH_MAX 256
#define HTTP_CLIENTS_MAX 32
#define HTTP_TIMEOUT_MS 5000	/* to send a request, and to take the answer */

/*
 * Parse "ADDR:PORT" (IPv4 dotted quad, or "[IPv6]:PORT"; port 0: any free
 * one) into ss. 0, or -EINVAL with the error recorded.
 */
int http_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len);

/*
 * Bind and listen on spec; *fd is the socket, bound gets the address
 * really bound ("127.0.0.1:9100"). 0, or -errno with the error recorded
 * ("cannot listen on 127.0.0.1:80: Address already in use").
 */
int http_listen(const char *spec, int *fd, char *bound, size_t len);

/* "127.0.0.1:9100" ("[::1]:9100") of a bound socket. */
int http_sock_name(int fd, char *buf, size_t len);

/*
 * The request in buf[0..len): 0 when it is a complete GET (path gets its
 * path, without a query), HTTP_INCOMPLETE while more is to come, else
 * the status to answer with (400, 405, 414, 431).
 */
#define HTTP_INCOMPLETE 1
int http_parse_request(const char *buf, size_t len, char *path, size_t path_len);

struct http_response {
	int status;
	const char *type;	/* Content-Type */
	const char *body;
	size_t len;
	char *owned;		/* freed after the answer was built, if set */
};

/* Fill resp for a GET of path. */
typedef void (*http_handler)(const char *path, struct http_response *resp, void *ctx);

struct http_client {
	int fd;			/* -1: free */
	uint64_t deadline_ms;
	char in[HTTP_REQUEST_MAX];
	size_t in_len;
	char *out;		/* the whole answer, once the request is read */
	size_t out_len, out_off;
};

struct http_server {
	int fd;
	http_handler handler;
	void *ctx;
	struct http_client clients[HTTP_CLIENTS_MAX];
};

/* Serve on the listening socket fd (made non-blocking here). */
void http_server_init(struct http_server *s, int fd, http_handler handler, void *ctx);
/* Fill pfd (room for 1 + HTTP_CLIENTS_MAX); how many. */
int http_server_pollfds(const struct http_server *s, struct pollfd *pfd);
/* After poll(): accept, read, answer, time out. */
void http_server_handle(struct http_server *s, const struct pollfd *pfd, int n, uint64_t now_ms);
/* Milliseconds until the next client's deadline (-1: none). */
int http_server_timeout(const struct http_server *s, uint64_t now_ms);
void http_server_close(struct http_server *s);

/* The answer bytes for resp: status line, headers, body; malloc'd, or NULL. */
char *http_response_bytes(const struct http_response *resp, size_t *len);

#endif
