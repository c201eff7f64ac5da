/*
 * The api image's health probe: GET http://127.0.0.1:PORT/PATH, exit 0 on a 2xx status line,
 * 1 otherwise. It replaces busybox, whose wget (and sh, nc, ...) an intruder could use to fetch
 * and run tools; this one can reach only loopback, sends one fixed request and prints nothing it
 * read. Built static in deployment/api/Dockerfile, so it needs no library beyond what it carries.
 *
 *   healthcheck [PORT [PATH]]      defaults: 8000 /health
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int usage(const char *why) {
    fprintf(stderr, "healthcheck: %s (usage: healthcheck [PORT [PATH]])\n", why);
    return 2;
}

int main(int argc, char **argv) {
    const char *path = argc > 2 ? argv[2] : "/health";
    char *end = NULL;
    long port = argc > 1 ? strtol(argv[1], &end, 10) : 8000;
    if (argc > 3 || (end != NULL && *end != '\0') || port < 1 || port > 65535) {
        return usage("PORT must be 1-65535");
    }
    /* One request line: no header can be smuggled through PATH. */
    if (path[0] != '/' || strlen(path) > 256 || strpbrk(path, " \r\n\t") != NULL) {
        return usage("PATH must start with / and hold no whitespace");
    }

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("healthcheck: socket");
        return 1;
    }
    /* Below Docker's own timeout (3 s), so the probe reports instead of being killed. */
    struct timeval timeout = {.tv_sec = 2, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short) port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *) &address, sizeof address) != 0) {
        perror("healthcheck: connect 127.0.0.1");
        return 1;
    }

    char request[512];
    int length = snprintf(request, sizeof request,
                          "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: prodstack-healthcheck\r\n\r\n", path);
    if (write(fd, request, (size_t) length) != length) {
        perror("healthcheck: write");
        return 1;
    }
    /* "HTTP/1.1 200" is 12 bytes; read until there are that many or the peer closes. */
    char status[13] = {0};
    size_t have = 0;
    while (have < 12) {
        ssize_t got = read(fd, status + have, 12 - have);
        if (got <= 0) {
            break;
        }
        have += (size_t) got;
    }
    close(fd);
    if (have == 12 && strncmp(status, "HTTP/1.", 7) == 0 && status[8] == ' ' && status[9] == '2') {
        return 0;
    }
    fprintf(stderr, "healthcheck: GET %s on port %ld: %s\n", path, port,
            have == 0 ? "no answer" : "not a 2xx status");
    return 1;
}
