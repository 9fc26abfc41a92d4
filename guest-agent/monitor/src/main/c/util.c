/* Small helpers shared by every part of the monitor. */
#include "monitor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Running out of memory is not recoverable in a process this small; say so and stop. */
void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        report("out of memory allocating %zu bytes", n);
        abort();
    }
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        report("out of memory allocating %zu bytes", n);
        abort();
    }
    return q;
}

/* Appends, first reusing the consumed space at the front so a busy buffer does not creep upward. */
void buf_append(struct buf *b, const void *p, size_t n) {
    if (n == 0) {
        return;
    }
    if (b->off > 0 && b->off + b->len + n > b->cap) {
        memmove(b->data, b->data + b->off, b->len);
        b->off = 0;
    }
    if (b->off + b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->off + b->len + n) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->off + b->len, p, n);
    b->len += n;
}

void buf_consume(struct buf *b, size_t n) {
    if (n >= b->len) {
        b->off = 0;
        b->len = 0;
        /* A client that once fell far behind should not pin megabytes for the rest of its life. */
        if (b->cap > 256 * 1024) {
            buf_free(b);
        }
        return;
    }
    b->off += n;
    b->len -= n;
}

void buf_free(struct buf *b) {
    free(b->data);
    b->data = NULL;
    b->off = b->len = b->cap = 0;
}

void report(const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n > sizeof line - 2) {
        n = sizeof line - 2;
    }
    line[n++] = '\n';
    /* One write per message, so messages of concurrent processes do not interleave mid-line. */
    char full[1100];
    int m = snprintf(full, sizeof full, "%s: %.*s", PROG, n, line);
    if (m > 0) {
        write_all(2, full, (size_t)m < sizeof full ? (size_t)m : sizeof full - 1);
    }
}

int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Always nine fractional digits: a fixed width is easier on readers and still RFC 3339. */
void format_time(const struct timespec *ts, char out[TIME_LEN]) {
    struct tm tm;
    time_t secs = ts->tv_sec;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, TIME_LEN - n, ".%09luZ", (unsigned long)ts->tv_nsec % 1000000000UL);
}

void now_string(char out[TIME_LEN]) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    format_time(&ts, out);
}

int64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Readers must see either the old file or the complete new one, even across a crash. */
int write_file_atomic(const char *path, const char *data, size_t len) {
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -1;
    }
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        return -1;
    }
    /* Make the rename itself durable. */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

int set_nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) {
        return -1;
    }
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Nothing the engine leaked to us, and nothing of ours, may reach the runtime or the container. */
void close_fds_from(int lowfd) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0) {
        return;
    }
#endif
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        long max = sysconf(_SC_OPEN_MAX);
        for (long fd = lowfd; fd < (max > 0 ? max : 65536); fd++) {
            close((int)fd);
        }
        return;
    }
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] != '.' && fd >= lowfd && fd != self) {
            close(fd);
        }
    }
    closedir(d);
}

int open_devnull(int flags) {
    return open("/dev/null", flags | O_CLOEXEC);
}
