#define _GNU_SOURCE
#include "CProcess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SLUICE_SPAWN_WITH_POSIX_SPAWN 1
#endif
#endif

#ifdef SLUICE_SPAWN_WITH_POSIX_SPAWN
#include <spawn.h>

// ThreadSanitizer's runtime fails its own checks in a forked child of a threaded process,
// so TSan builds start children with posix_spawn: the same process group, signals, stdio
// and closed descriptors, but without PR_SET_PDEATHSIG (posix_spawn cannot set it).
pid_t sluice_spawn(const char *path, char *const argv[], char *const envp[],
                   int stdin_fd, int stdout_fd, int stderr_fd, const char *directory, int mask, int *error_out) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (directory != NULL) posix_spawn_file_actions_addchdir_np(&actions, directory);
    posix_spawnattr_init(&attributes);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    // posix_spawn has no umask attribute: set the process's around it (TSan builds only).
    mode_t saved_mask = mask >= 0 ? umask((mode_t)mask) : 0;
    int error = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    if (mask >= 0) umask(saved_mask);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        *error_out = error;
        return -1;
    }
    return pid;
}
#else
static void close_from(int lowest) {
    // close_range(2) where the kernel has it; otherwise close one by one.
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return;
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = lowest; fd < max; fd++) close(fd);
}

struct spawn_request {
    const char *path;
    char *const *argv;
    char *const *envp;
    int stdin_fd, stdout_fd, stderr_fd;
    const char *directory;  // NULL: stay in the parent's
    int mask;               // -1: keep the parent's umask
    pid_t parent;
    int error;  // set by the child when a step fails; it shares the parent's memory
};

// The child, on its own stack in the parent's memory (CLONE_VM), the parent suspended
// until it execs or exits (CLONE_VFORK). Only async-signal-safe calls from here on.
static int spawn_child(void *argument) {
    struct spawn_request *request = argument;
    // Every signal arrives blocked (the parent blocked them before clone). The handler
    // table is the child's own copy (no CLONE_SIGHAND): reset it to the defaults before
    // unblocking, so no parent handler ever runs in the child on the parent's memory.
    struct sigaction defaults = {0};
    defaults.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &defaults, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setpgid(0, 0) != 0) goto fail;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) goto fail;
    if (getppid() != request->parent) _exit(127);  // the daemon died before prctl took effect
    if (dup2(request->stdin_fd, 0) < 0 || dup2(request->stdout_fd, 1) < 0 || dup2(request->stderr_fd, 2) < 0) goto fail;
    close_from(3);
    if (request->directory != NULL && chdir(request->directory) != 0) goto fail;
    if (request->mask >= 0) umask((mode_t)request->mask);
    execve(request->path, request->argv, request->envp);
fail:
    request->error = errno ? errno : EINVAL;
    _exit(127);
}

// vfork-style (clone with CLONE_VM | CLONE_VFORK, as glibc's posix_spawn does): no copy of
// the parent's page tables, so starting a child costs the same with a heap of gigabytes,
// and nothing the daemon holds is duplicated, even for a moment. posix_spawn itself
// cannot set PR_SET_PDEATHSIG.
pid_t sluice_spawn(const char *path, char *const argv[], char *const envp[],
                   int stdin_fd, int stdout_fd, int stderr_fd, const char *directory, int mask, int *error_out) {
    const size_t stack_size = 256 * 1024;
    void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        *error_out = errno;
        return -1;
    }
    struct spawn_request request = {
        .path = path, .argv = argv, .envp = envp,
        .stdin_fd = stdin_fd, .stdout_fd = stdout_fd, .stderr_fd = stderr_fd,
        .directory = directory, .mask = mask, .parent = getpid(), .error = 0,
    };
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pid_t pid = clone(spawn_child, (char *)stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &request);
    int clone_error = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    munmap(stack, stack_size);
    if (pid < 0) {
        *error_out = clone_error;
        return -1;
    }
    if (request.error != 0) {
        // A step or exec failed: the child has exited already; reap it now.
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        *error_out = request.error;
        return -1;
    }
    return pid;
}
#endif

int sluice_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int sluice_reaps_orphans(void) {
    int subreaper = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0) != 0) subreaper = 0;
    return subreaper != 0 || getpid() == 1;
}

pid_t sluice_exited_child(void) {
    siginfo_t info = {0};
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return 0;
    return info.si_pid;
}

int sluice_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int sluice_pipe2(int fds[2], int flags) {
    return pipe2(fds, flags);
}

int sluice_set_pipe_size(int fd, int size) {
    return fcntl(fd, F_SETPIPE_SZ, size);
}

int sluice_accept(int listener) {
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int sluice_peer_credentials(int fd, uid_t *uid, gid_t *gid) {
    struct ucred credentials;
    socklen_t size = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) return -1;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}

int sluice_peer_groups(int fd, gid_t *groups, int capacity) {
    socklen_t size = (socklen_t)(capacity * sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &size) != 0) return -1;
    return (int)(size / sizeof(gid_t));
}

static volatile int signal_fd = -1;

static void write_signal_byte(int signal) {
    int saved = errno;  /* a handler must not change errno under the interrupted code */
    unsigned char byte = (unsigned char)signal;
    if (signal_fd >= 0) (void)!write(signal_fd, &byte, 1);
    errno = saved;
}

int sluice_signal_to_fd(int signal, int fd) {
    signal_fd = fd;
    struct sigaction action = {0};
    action.sa_handler = write_signal_byte;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, NULL);
}
