/*
 * The container log in Docker's json-file format, so the engine can serve `docker logs` from it as is:
 *   {"log":"hello\n","stream":"stdout","time":"2026-11-22T10:00:00.123456789Z"}
 * one entry per output line; a line without newline is cut into an entry at 16 KiB or when its stream
 * ends. The escaping follows Docker's jsonlog writer byte for byte (\n \r \" \\ as such, other control
 * characters and < > & as \u00XX, invalid UTF-8 as \ufffd, U+2028/U+2029 escaped).
 *
 * The log is only ever written from the event loop, never waits for anybody but the disk, and a
 * failing disk only loses log entries: the container is never blocked by its log.
 */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WBUF_SIZE (256 * 1024)
/* Worst case of one entry: every byte escaped to 6, plus the fixed fields. */
#define RECORD_MAX (LOG_LINE_MAX * 6 + 128)

struct linebuf {
    char data[LOG_LINE_MAX];
    size_t len;
};

struct logwriter {
    char path[PATH_MAX];
    int fd;
    int64_t size; /* bytes in the current file, including the write buffer */
    int64_t max_size;
    int max_files;
    char *wbuf;
    size_t wlen;
    char *record;
    bool failing; /* a write error was reported and has not cleared yet */
    struct linebuf lines[3]; /* by stream number: 1 stdout, 2 stderr */
};

static const char HEX[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at s, or 0 if invalid or truncated (Go's DecodeRune rules). */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) {
            lo = 0xA0;
        } else if (c == 0xED) {
            hi = 0x9F; /* no surrogates */
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F; /* nothing above U+10FFFF */
        }
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    uint32_t v = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if (i > 1 && (s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* Appends the JSON string body of s (without quotes) at out; returns the bytes written. */
static size_t json_escape(const unsigned char *s, size_t n, char *out) {
    char *o = out;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c >= 0x20 && c != '\\' && c != '"' && c != '<' && c != '>' && c != '&') {
                *o++ = (char)c;
            } else if (c == '\\' || c == '"') {
                *o++ = '\\';
                *o++ = (char)c;
            } else if (c == '\n') {
                *o++ = '\\';
                *o++ = 'n';
            } else if (c == '\r') {
                *o++ = '\\';
                *o++ = 'r';
            } else {
                memcpy(o, "\\u00", 4);
                o[4] = HEX[c >> 4];
                o[5] = HEX[c & 0xF];
                o += 6;
            }
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t len = utf8_len(s + i, n - i, &cp);
        if (len == 0) {
            memcpy(o, "\\ufffd", 6);
            o += 6;
            i++;
        } else if (cp == 0x2028 || cp == 0x2029) {
            memcpy(o, "\\u202", 5);
            o[5] = HEX[cp & 0xF];
            o += 6;
            i += len;
        } else {
            memcpy(o, s + i, len);
            o += len;
            i += len;
        }
    }
    return (size_t)(o - out);
}

static void note_failure(struct logwriter *lw, const char *what) {
    if (!lw->failing) {
        report("log %s failed for %s: %s (entries are dropped until it works again)", what, lw->path,
               strerror(errno));
        lw->failing = true;
    }
}

void logwriter_flush(struct logwriter *lw) {
    if (!lw || lw->wlen == 0) {
        return;
    }
    if (lw->fd >= 0 && write_all(lw->fd, lw->wbuf, lw->wlen) < 0) {
        note_failure(lw, "write");
        /* The file may now hold less than counted; count what is really there. */
        struct stat st;
        if (fstat(lw->fd, &st) == 0) {
            lw->size = st.st_size;
        }
    } else if (lw->fd >= 0) {
        lw->failing = false;
    }
    lw->wlen = 0;
}

static int open_log(struct logwriter *lw) {
    lw->fd = open(lw->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (lw->fd < 0) {
        return -1;
    }
    struct stat st;
    lw->size = fstat(lw->fd, &st) == 0 ? st.st_size : 0;
    return 0;
}

/* FILE -> FILE.1 -> FILE.2 ... -> FILE.(max_files-1); the oldest is overwritten. */
static void rotate(struct logwriter *lw) {
    logwriter_flush(lw);
    if (lw->max_files <= 1) {
        if (lw->fd >= 0 && ftruncate(lw->fd, 0) < 0) {
            note_failure(lw, "truncate");
        }
        lw->size = 0;
        return;
    }
    char from[PATH_MAX + 16], to[PATH_MAX + 16];
    for (int i = lw->max_files - 1; i >= 2; i--) {
        snprintf(from, sizeof from, "%s.%d", lw->path, i - 1);
        snprintf(to, sizeof to, "%s.%d", lw->path, i);
        if (rename(from, to) < 0 && errno != ENOENT) {
            note_failure(lw, "rotation");
        }
    }
    snprintf(to, sizeof to, "%s.1", lw->path);
    if (rename(lw->path, to) < 0) {
        note_failure(lw, "rotation");
    }
    if (lw->fd >= 0) {
        close(lw->fd);
    }
    if (open_log(lw) < 0) {
        note_failure(lw, "open");
        lw->size = 0;
    }
}

static void emit(struct logwriter *lw, int stream, const char *data, size_t n, const char *ts) {
    char *r = lw->record;
    size_t len = 0;
    memcpy(r, "{\"log\":\"", 8);
    len = 8;
    len += json_escape((const unsigned char *)data, n, r + len);
    len += (size_t)sprintf(r + len, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream == 2 ? "stderr" : "stdout",
                           ts);
    if (lw->max_size > 0 && lw->size > 0 && lw->size + (int64_t)len > lw->max_size) {
        rotate(lw);
    }
    if (lw->fd < 0 && open_log(lw) < 0) {
        /* Try again at the next entry: the directory may come back (e.g. a full disk is cleaned). */
        note_failure(lw, "open");
        return;
    }
    if (lw->wlen + len > WBUF_SIZE) {
        logwriter_flush(lw);
    }
    memcpy(lw->wbuf + lw->wlen, r, len);
    lw->wlen += len;
    lw->size += (int64_t)len;
}

void logwriter_write(struct logwriter *lw, int stream, const char *data, size_t n, const char *ts) {
    if (!lw) {
        return;
    }
    struct linebuf *lb = &lw->lines[stream == 2 ? 2 : 1];
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t room = LOG_LINE_MAX - lb->len;
        size_t seg = nl ? (size_t)(nl - data) + 1 : n;
        bool complete = nl != NULL && seg <= room;
        if (seg > room) {
            seg = room;
        }
        if (lb->len == 0 && complete) {
            emit(lw, stream, data, seg, ts); /* the common case: a whole line, no copy */
        } else {
            memcpy(lb->data + lb->len, data, seg);
            lb->len += seg;
            if (complete || lb->len == LOG_LINE_MAX) {
                emit(lw, stream, lb->data, lb->len, ts);
                lb->len = 0;
            }
        }
        data += seg;
        n -= seg;
    }
}

void logwriter_end_stream(struct logwriter *lw, int stream, const char *ts) {
    if (!lw) {
        return;
    }
    struct linebuf *lb = &lw->lines[stream == 2 ? 2 : 1];
    if (lb->len > 0) {
        emit(lw, stream, lb->data, lb->len, ts);
        lb->len = 0;
    }
}

struct logwriter *logwriter_open(const char *path, int64_t max_size, int max_files) {
    struct logwriter *lw = calloc(1, sizeof *lw);
    if (!lw) {
        report("out of memory");
        return NULL;
    }
    snprintf(lw->path, sizeof lw->path, "%s", path);
    lw->max_size = max_size;
    lw->max_files = max_files < 1 ? 1 : max_files;
    if (open_log(lw) < 0) {
        report("cannot open log file %s: %s", path, strerror(errno));
        free(lw);
        return NULL;
    }
    lw->wbuf = xmalloc(WBUF_SIZE);
    lw->record = xmalloc(RECORD_MAX);
    return lw;
}

/* Called once, at the end: everything the container wrote must be on disk before exit.json is. */
void logwriter_close(struct logwriter *lw) {
    if (!lw) {
        return;
    }
    char ts[TIME_LEN];
    now_string(ts);
    logwriter_end_stream(lw, 1, ts);
    logwriter_end_stream(lw, 2, ts);
    logwriter_flush(lw);
    if (lw->fd >= 0) {
        if (fsync(lw->fd) < 0 && errno != EINVAL) {
            note_failure(lw, "fsync");
        }
        close(lw->fd);
    }
    free(lw->wbuf);
    free(lw->record);
    free(lw);
}

/*
 * `berth-monitor logtest --log FILE [--stream stdout|stderr] [--log-max-size N] [--log-max-files N]`
 * logs its own stdin exactly as container output would be logged. It lets the tests check escaping,
 * line splitting and rotation without root or a runtime.
 */
int logtest_main(int argc, char **argv) {
    const char *path = NULL;
    int stream = 1;
    int64_t max_size = 0;
    int max_files = 1;
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) {
            report("logtest: %s needs a value", argv[i]);
            return EXIT_USAGE;
        }
        if (strcmp(argv[i], "--log") == 0) {
            path = v;
        } else if (strcmp(argv[i], "--stream") == 0) {
            stream = strcmp(v, "stderr") == 0 ? 2 : 1;
        } else if (strcmp(argv[i], "--log-max-size") == 0) {
            max_size = strtoll(v, NULL, 10);
        } else if (strcmp(argv[i], "--log-max-files") == 0) {
            max_files = atoi(v);
        } else {
            report("logtest: unknown option %s", argv[i]);
            return EXIT_USAGE;
        }
        i++;
    }
    if (!path) {
        report("logtest: --log is required");
        return EXIT_USAGE;
    }
    struct logwriter *lw = logwriter_open(path, max_size, max_files);
    if (!lw) {
        return EXIT_SETUP_FAILED;
    }
    static char chunk[READ_CHUNK];
    for (;;) {
        ssize_t n = read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        char ts[TIME_LEN];
        now_string(ts);
        logwriter_write(lw, stream, chunk, (size_t)n, ts);
        logwriter_flush(lw);
    }
    logwriter_close(lw);
    return 0;
}
