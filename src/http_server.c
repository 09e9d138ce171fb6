// SPDX-License-Identifier: GPL-2.0-only
/* http_server.c - GET-only HTTP for the lab's monitor (http_server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http_server.h"
#include "util.h"

int http_parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *given = spec;
	char host[64];
	const char *colon = strrchr(spec, ':');
	bool v6 = spec[0] == '[';
	uint64_t port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (!colon || colon == spec || parse_u64(colon + 1, &port) || port > 65535)
		goto bad;
	hl = (size_t)(colon - spec);
	if (v6) {
		if (hl < 3 || spec[hl - 1] != ']')
			goto bad;
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		goto bad;
	memcpy(host, spec, hl);
	host[hl] = 0;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*len = sizeof(*a);
	}
	return 0;
bad:
	rs_error("'%s' is no ADDR:PORT to listen on (e.g. 127.0.0.1:9100, 0.0.0.0:9100, [::1]:9100)",
		 given);
	return -EINVAL;
}

int http_sock_name(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN];

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -errno;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
	return 0;
}

int http_listen(const char *spec, int *fd, char *bound, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int s, one = 1, err;

	err = http_parse_listen(spec, &ss, &sl);
	if (err)
		return err;
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		err = -errno;
		rs_error("cannot listen on %s: %s", spec, strerror(errno));
		return err;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&ss, sl) || listen(s, 16)) {
		err = -errno;
		rs_error("cannot listen on %s: %s%s", spec, strerror(errno),
			 errno == EADDRINUSE ? " (choose another port)"
			 : errno == EADDRNOTAVAIL ? " (no interface here has that address)" : "");
		close(s);
		return err;
	}
	http_sock_name(s, bound, len);
	*fd = s;
	return 0;
}

int http_parse_request(const char *buf, size_t len, char *path, size_t path_len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4), *sp, *target, *eol;
	size_t n;

	if (!end)
		end = memmem(buf, len, "\n\n", 2);
	if (!end)
		return len >= HTTP_REQUEST_MAX ? 431 : HTTP_INCOMPLETE;
	eol = memchr(buf, '\n', len);
	sp = memchr(buf, ' ', (size_t)(eol - buf));
	if (!sp || sp == buf)
		return 400;
	target = sp + 1;
	sp = memchr(target, ' ', (size_t)(eol - target));
	if (!sp || eol - sp < 8 || memcmp(sp + 1, "HTTP/1.", 7) || target[0] != '/')
		return 400;
	if ((size_t)(target - buf) != 4 || memcmp(buf, "GET ", 4))
		return 405;
	n = strcspn(target, "? ");
	if (n >= path_len)
		return 414;
	memcpy(path, target, n);
	path[n] = 0;
	return 0;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	default: return "Internal Server Error";
	}
}

char *http_response_bytes(const struct http_response *resp, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	fprintf(f, "HTTP/1.0 %d %s\r\n", resp->status, reason(resp->status));
	fprintf(f, "Content-Type: %s\r\nContent-Length: %zu\r\n", resp->type, resp->len);
	if (resp->status == 405)
		fputs("Allow: GET\r\n", f);
	/* Nothing the page loads may come from anywhere but here. */
	fputs("Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	      "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
	      "frame-ancestors 'none'\r\n\r\n", f);
	fwrite(resp->body, 1, resp->len, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}

void http_server_init(struct http_server *s, int fd, http_handler handler, void *ctx)
{
	unsigned i;

	s->fd = fd;
	s->handler = handler;
	s->ctx = ctx;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (i = 0; i < HTTP_CLIENTS_MAX; i++)
		s->clients[i].fd = -1;
}

static void client_close(struct http_client *c)
{
	close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
}

int http_server_pollfds(const struct http_server *s, struct pollfd *pfd)
{
	int n = 0;
	unsigned i;

	pfd[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (i = 0; i < HTTP_CLIENTS_MAX; i++) {
		const struct http_client *c = &s->clients[i];

		if (c->fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = c->fd, .events = c->out ? POLLOUT : POLLIN };
	}
	return n;
}

static void answer(struct http_server *s, struct http_client *c, int status, const char *path)
{
	struct http_response r = { .status = status, .type = "text/plain; charset=utf-8" };
	char msg[64];

	if (!status) {
		r.status = 404;
		s->handler(path, &r, s->ctx);
	}
	if (r.status != 200 && !r.body) {
		snprintf(msg, sizeof(msg), "%d %s\n", r.status, reason(r.status));
		r.type = "text/plain; charset=utf-8";
		r.body = msg;
		r.len = strlen(msg);
	}
	c->out = http_response_bytes(&r, &c->out_len);
	c->out_off = 0;
	free(r.owned);
	if (!c->out)
		client_close(c);
}

static void client_read(struct http_server *s, struct http_client *c)
{
	char path[HTTP_PATH_MAX];
	ssize_t n;
	int st;

	n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->in_len += (size_t)n;
	st = http_parse_request(c->in, c->in_len, path, sizeof(path));
	if (st != HTTP_INCOMPLETE)
		answer(s, c, st, path);
}

static void client_write(struct http_client *c)
{
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	c->out_off += (size_t)n;
	if (c->out_off == c->out_len) {
		/* All said: no more reading, and the client sees the end. */
		shutdown(c->fd, SHUT_WR);
		client_close(c);
	}
}

static void accept_clients(struct http_server *s, uint64_t now_ms)
{
	unsigned i;
	int fd;

	while ((fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < HTTP_CLIENTS_MAX && s->clients[i].fd >= 0; i++)
			;
		if (i == HTTP_CLIENTS_MAX) {
			/* Busy: the newcomer is turned away, the others keep their turn. */
			close(fd);
			continue;
		}
		s->clients[i].fd = fd;
		s->clients[i].in_len = 0;
		s->clients[i].deadline_ms = now_ms + HTTP_TIMEOUT_MS;
	}
}

void http_server_handle(struct http_server *s, const struct pollfd *pfd, int n, uint64_t now_ms)
{
	unsigned i;
	int k;

	for (k = 1; k < n; k++) {
		struct http_client *c = NULL;

		for (i = 0; i < HTTP_CLIENTS_MAX; i++)
			if (s->clients[i].fd == pfd[k].fd)
				c = &s->clients[i];
		if (!c || !pfd[k].revents)
			continue;
		if (c->out)
			client_write(c);
		else if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
			client_read(s, c);
	}
	for (i = 0; i < HTTP_CLIENTS_MAX; i++)
		if (s->clients[i].fd >= 0 && now_ms >= s->clients[i].deadline_ms)
			client_close(&s->clients[i]);
	if (n > 0 && pfd[0].revents & POLLIN)
		accept_clients(s, now_ms);
}

int http_server_timeout(const struct http_server *s, uint64_t now_ms)
{
	int64_t t = -1;
	unsigned i;

	for (i = 0; i < HTTP_CLIENTS_MAX; i++) {
		const struct http_client *c = &s->clients[i];
		int64_t left;

		if (c->fd < 0)
			continue;
		left = c->deadline_ms > now_ms ? (int64_t)(c->deadline_ms - now_ms) : 0;
		if (t < 0 || left < t)
			t = left;
	}
	return (int)t;
}

void http_server_close(struct http_server *s)
{
	unsigned i;

	for (i = 0; i < HTTP_CLIENTS_MAX; i++)
		if (s->clients[i].fd >= 0)
			client_close(&s->clients[i]);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
