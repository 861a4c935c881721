/*
 * Moves a process's wall clock by an offset read from a file, for a node that stamps its blocks
 * with the system clock (contracts-node has no way to set time). Loaded with LD_PRELOAD; the
 * offset file holds whole milliseconds ("172800000" is two days ahead) and is re-read at most
 * every 50 ms, so a running node follows a changed offset. Only CLOCK_REALTIME (and its coarse
 * variant, gettimeofday and time) move: monotonic clocks, which timers and timeouts use, do not.
 *
 * Why not libfaketime: Debian's libfaketime 0.9.10 refuses the node at start ("Unexpected
 * recursive calls to clock_gettime() without proper initialization"): the node's allocator,
 * jemalloc, reads the clock while libfaketime initialises, and the node then hangs. This file
 * needs no allocation: raw system calls and a static buffer.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long offset_ms;
static long long next_read_ns;

static long real_clock(clockid_t clock, struct timespec *ts) {
    return syscall(SYS_clock_gettime, clock, ts);
}

static void refresh_offset(void) {
    struct timespec mono;
    if (real_clock(CLOCK_MONOTONIC, &mono) != 0) return;
    long long now_ns = (long long)mono.tv_sec * 1000000000LL + mono.tv_nsec;
    if (now_ns < next_read_ns) return;
    next_read_ns = now_ns + 50000000LL;
    const char *path = getenv("ICSETH_CLOCK_OFFSET_FILE");
    if (path == NULL) return;
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
    if (fd < 0) return;
    char buf[32];
    long n = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
    syscall(SYS_close, fd);
    if (n <= 0) return;
    buf[n] = 0;
    long long value = 0;
    int sign = 1, i = 0, digits = 0;
    if (buf[0] == '-') { sign = -1; i = 1; } else if (buf[0] == '+') { i = 1; }
    for (; i < n && buf[i] >= '0' && buf[i] <= '9'; i++, digits++) value = value * 10 + (buf[i] - '0');
    if (digits > 0) offset_ms = sign * value;
}

static void shift(struct timespec *ts) {
    refresh_offset();
    long long ns = (long long)ts->tv_nsec + (offset_ms % 1000) * 1000000LL;
    ts->tv_sec += offset_ms / 1000 + ns / 1000000000LL;
    ns %= 1000000000LL;
    if (ns < 0) { ns += 1000000000LL; ts->tv_sec -= 1; }
    ts->tv_nsec = ns;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    long r = real_clock(clock, ts);
    if (r == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) shift(ts);
    return (int)r;
}

int gettimeofday(struct timeval *tv, void *tz) {
    (void)tz;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    if (tv != NULL) { tv->tv_sec = ts.tv_sec; tv->tv_usec = ts.tv_nsec / 1000; }
    return 0;
}

time_t time(time_t *out) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
    if (out != NULL) *out = ts.tv_sec;
    return ts.tv_sec;
}
