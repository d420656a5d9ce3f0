#ifndef SLUICE_CPROCESS_H
#define SLUICE_CPROCESS_H

#include <sys/types.h>
#include <sys/epoll.h>

/// Starts `path` with `argv` and `envp` in a new process group, with the given descriptors
/// as its stdin, stdout and stderr, in `directory` (NULL: the caller's) and with `mask` as
/// its umask (-1: the caller's). vfork-style: the child shares the parent's memory until
/// it execs, so the cost does not grow with the daemon's heap. In the child, before exec:
/// every signal is reset to its default and unblocked, PR_SET_PDEATHSIG(SIGKILL) ties it to
/// the calling thread, and every other descriptor is closed (librdkafka opens some without
/// O_CLOEXEC).
/// Returns the pid, or -1 with `*error_out` set to the errno of the failing step (exec's
/// errno when the program could not be started). ThreadSanitizer builds use posix_spawn,
/// which does all of that except PR_SET_PDEATHSIG.
pid_t sluice_spawn(const char *path, char *const argv[], char *const envp[],
                   int stdin_fd, int stdout_fd, int stderr_fd, const char *directory, int mask, int *error_out);

/// PR_SET_CHILD_SUBREAPER: the plugins' orphans (a plugin's children that outlive it)
/// become this process's children, as they would an init's. 0 on success.
int sluice_become_subreaper(void);

/// Whether orphans come to this process: it is a subreaper, or PID 1 (in a container).
int sluice_reaps_orphans(void);

/// The pid of a child that has exited and waits to be reaped, left unreaped (waitid with
/// WNOWAIT); 0 when there is none.
pid_t sluice_exited_child(void);

/// pidfd_open(2): a descriptor that becomes readable when `pid` exits. -1 on failure.
int sluice_pidfd_open(pid_t pid);

/// pipe2(2) with the given flags (O_CLOEXEC, O_NONBLOCK), which Swift's Glibc module hides.
int sluice_pipe2(int fds[2], int flags);

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC; -1 when nothing is waiting.
int sluice_accept(int listener);

/// The uid and gid of a Unix socket's peer (SO_PEERCRED); 0 on success.
int sluice_peer_credentials(int fd, uid_t *uid, gid_t *gid);

/// The supplementary groups of a Unix socket's peer (SO_PEERGROUPS), at most `capacity`;
/// returns how many, or -1.
int sluice_peer_groups(int fd, gid_t *groups, int capacity);

/// Makes `signal` write one byte to `fd` instead of its default action (SA_RESTART), so an
/// event loop can see it in epoll. One descriptor per process for all such signals.
int sluice_signal_to_fd(int signal, int fd);

/// Raises a pipe's capacity with F_SETPIPE_SZ; returns the new size or -1.
int sluice_set_pipe_size(int fd, int size);

#endif
