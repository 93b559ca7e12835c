"""The kernel's wall around code actions: namespaces, an unprivileged uid, rlimits and seccomp.

The child interpreter of ``code_subprocess`` runs inside bubblewrap (Debian's ``bwrap``):

* new mount, pid, network, IPC and UTS namespaces (and a user namespace when the server is not root):
  no network at all, no other process visible, nothing to signal;
* a read-only root holding only the interpreter, its standard library (its ``site-packages`` hidden),
  the shared libraries they load, the time-zone database and a minimal ``/dev``; no ``/proc``, no
  ``/tmp``, no server files, no secrets;
* an empty environment, ``/`` as working directory, a new session (no terminal to inject into);
* an unprivileged uid/gid (65534, no supplementary groups) with no capabilities: a root server drops
  to it with ``setpriv`` inside the namespaces, a non-root server maps its own uid to it;
* a seccomp filter (libseccomp through ``pyseccomp``) refusing process creation, sockets, tracing,
  mounts, namespaces, kernel keyrings, BPF and module loading.

The bootstrap's audit hook and rlimits stay as a second layer. When the wall cannot be built here,
``jail()`` raises ``JailUnavailable`` with the reason and code actions refuse to run: never unconfined.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

try:  # libseccomp is loaded through ctypes; a machine without it still gets the namespaces
    import pyseccomp as seccomp
except (ImportError, OSError):  # pragma: no cover - depends on the machine
    seccomp = None

SANDBOX_UID = SANDBOX_GID = 65534
"""``nobody``/``nogroup`` on Debian: owns no file of the server."""
DENIED_SYSCALLS = (
    "fork",
    "vfork",
    "clone",
    "socket",
    "socketpair",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "unshare",
    "setns",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "name_to_handle_at",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "syslog",
    "iopl",
    "ioperm",
    "quotactl",
    "mknod",
    "mknodat",
    "fanotify_init",
    "personality",
)
"""Refused with EPERM once the child's interpreter starts; ``clone3`` answers ENOSYS so libc falls back."""
TIMEZONE_DIRS = ("/usr/share/zoneinfo",)
HIDDEN_EXTENSIONS = frozenset(
    {
        "_tkinter",
        "_curses",
        "_curses_panel",
        "readline",
        "nis",
        "_dbm",
        "_gdbm",
        "_ssl",
        "_hashlib",
        "_ctypes",
        "_ctypes_test",
        "_socket",
        "_multiprocessing",
        "_posixsubprocess",
        "_posixshmem",
        "mmap",
        "fcntl",
        "termios",
        "select",
        "_asyncio",
        "_sqlite3",
        "_lzma",
        "_bz2",
        "_uuid",
        "_crypt",
        "ossaudiodev",
        "spwd",
        "grp",
        "syslog",
        "_pickle",
        "_xxsubinterpreters",
        "_xxtestfuzz",
        "_testcapi",
        "_testinternalcapi",
        "_testbuffer",
        "_testclinic",
        "_testimportmultiple",
        "_testmultiphase",
        "xxlimited",
        "xxlimited_35",
        "audioop",
    }
)
"""Compiled modules the bootstrap refuses or code actions have no use for. Each file is covered by
``/dev/null`` in the view (loading it fails whatever the audit hook says) and its system libraries stay
out (``_hashlib``'s OpenSSL included: ``hashlib`` falls back to its built-in digests)."""
LDD_LINE = re.compile(r"^\s*(?:\S+\s+=>\s+)?(/\S+)\s+\(0x[0-9a-f]+\)\s*$")


class JailUnavailable(RuntimeError):
    """The kernel boundary cannot be set up on this machine; the message says why."""


@dataclass(frozen=True)
class Jail:
    """How to start one confined interpreter.

    Attributes:
        bwrap: ``bwrap`` and its options (namespaces, the view, the environment).
        inner: What runs inside before the interpreter (``setpriv`` dropping to the sandbox user), or nothing.
        python: The interpreter's path, the same inside the jail.
        filter_bpf: The compiled seccomp program (empty when libseccomp is not available).
    """

    bwrap: tuple[str, ...]
    inner: tuple[str, ...]
    python: str
    filter_bpf: bytes

    def command(self, *args: str) -> tuple[list[str], int | None]:
        """The argv running ``python *args`` in the jail, and the seccomp fd to pass (the caller closes it).

        Returns:
            ``(argv, fd)``; ``fd`` is None without a seccomp filter.
        """
        fd = None
        seccomp_options: list[str] = []
        if self.filter_bpf:
            fd = os.memfd_create("flowstudio-seccomp", 0)
            os.write(fd, self.filter_bpf)
            os.lseek(fd, 0, os.SEEK_SET)
            seccomp_options = ["--seccomp", str(fd)]
        return [*self.bwrap, *seccomp_options, "--", *self.inner, self.python, *args], fd


def _interpreter() -> str:
    return os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)


def _shared_libraries(binaries: list[str]) -> set[str]:
    """Every shared object the binaries load, as ``ldd`` resolves it."""
    ldd = shutil.which("ldd")
    if ldd is None:
        raise JailUnavailable("ldd is not installed (Debian package libc-bin)")
    found: set[str] = set()
    for start in range(0, len(binaries), 64):
        listing = subprocess.run([ldd, *binaries[start : start + 64]], capture_output=True, text=True, check=False)
        for line in listing.stdout.splitlines():
            match = LDD_LINE.match(line)
            if match:
                found.add(match.group(1))
    return found


def _view(files: set[str], folders: list[str]) -> list[str]:
    """``--ro-bind`` options for files and folders, each at its path with its parent folder's links resolved.

    Folders bwrap creates on the way are made world-readable (it would make them 0700, closed to the
    sandbox user).
    """
    targets = {
        os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p)): os.path.realpath(p) for p in files
    }
    targets.update({os.path.realpath(folder): os.path.realpath(folder) for folder in folders})
    options: list[str] = []
    made: set[Path] = set()
    for destination, source in sorted(targets.items()):
        for parent in reversed(Path(destination).parents[:-1]):
            if parent not in made:
                made.add(parent)
                options += ["--perms", "0755", "--dir", str(parent)]
        options += ["--ro-bind", source, destination]
    return options


def _root_links() -> list[str]:
    """The merged-``/usr`` links of the host (``/lib`` -> ``usr/lib``...), so loader paths resolve."""
    options: list[str] = []
    for name in ("/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin"):
        if os.path.islink(name):
            options += ["--symlink", os.readlink(name), name]
    return options


def _extensions(dynload: str) -> tuple[list[str], list[str]]:
    """The standard library's compiled modules: those the code may use (their libraries go in the view), and
    the hidden ones."""
    kept: list[str] = []
    hidden: list[str] = []
    for path in sorted(Path(dynload).glob("*.so")):
        (hidden if path.name.split(".")[0] in HIDDEN_EXTENSIONS else kept).append(str(path))
    return kept, hidden


def _filter() -> bytes:
    """The seccomp program, compiled by libseccomp for this machine's architecture."""
    if seccomp is None:
        return b""
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            rules.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (ValueError, RuntimeError, OSError):
            continue  # not a system call of this architecture
    rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    fd = os.memfd_create("flowstudio-seccomp-build", 0)
    try:
        with os.fdopen(os.dup(fd), "wb") as out:
            rules.export_bpf(out)
        os.lseek(fd, 0, os.SEEK_SET)
        return _read_all(fd)
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _bwrap_options(bwrap: str, root: bool) -> list[str]:
    help_text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, check=False).stdout
    options = [
        bwrap,
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--setenv",
        "PYTHONIOENCODING",
        "utf-8",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--hostname",
        "sandbox",
        "--chdir",
        "/",
        "--cap-drop",
        "ALL",
    ]
    if root:
        options += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]  # for setpriv, which drops them
    else:
        options += ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_GID)]
        if "--disable-userns" in help_text:
            options.append("--disable-userns")
    return options


def _build() -> Jail:
    if not sys.platform.startswith("linux"):
        raise JailUnavailable("code actions need Linux namespaces")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise JailUnavailable("bubblewrap is not installed (Debian package bubblewrap; `make setup` installs it)")
    root = os.geteuid() == 0
    python = _interpreter()
    stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
    dynload = os.path.join(stdlib, "lib-dynload")
    usable, hidden = _extensions(dynload)
    binaries = [python, *usable]
    setpriv = shutil.which("setpriv") if root else None
    if root and setpriv is None:
        raise JailUnavailable("setpriv is not installed (Debian package util-linux)")
    if setpriv:
        binaries.append(setpriv)
    files = _shared_libraries(binaries) | {python} | ({setpriv} if setpriv else set())
    zoneinfo = [d for d in TIMEZONE_DIRS if os.path.isdir(d)]
    options = _bwrap_options(bwrap, root) + _root_links() + _view(files, [stdlib, *zoneinfo])
    site_packages = os.path.join(stdlib, "site-packages")
    if os.path.isdir(site_packages):
        options += ["--tmpfs", site_packages]
    for path in hidden:
        options += ["--ro-bind", "/dev/null", path]
    options += ["--dev", "/dev", "--remount-ro", "/"]
    inner = (setpriv, f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}", "--clear-groups", "--") if setpriv else ()
    return Jail(tuple(options), inner, python, _filter())


def _probe(jail: Jail) -> None:
    """Start one confined interpreter and check it runs as the sandbox user, unable to fork."""
    check = (
        "import os\ntry:\n pid = os.fork()\nexcept OSError:\n refused = True\nelse:\n if pid == 0:\n"
        "  os._exit(0)\n os.waitpid(pid, 0)\n refused = False\nprint(os.getuid(), os.getgid(), os.getgroups(), refused)"
    )
    argv, fd = jail.command("-I", "-S", "-c", check)
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=30, check=False, pass_fds=(fd,) if fd is not None else ()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise JailUnavailable(f"the sandbox could not start: {exc}") from exc
    finally:
        if fd is not None:
            os.close(fd)
    expected = f"{SANDBOX_UID} {SANDBOX_GID} [] {bool(jail.filter_bpf)}"
    if done.returncode != 0 or done.stdout.strip() != expected:
        reason = (done.stderr.strip().splitlines() or [f"it answered {done.stdout.strip()!r}, not {expected!r}"])[-1]
        raise JailUnavailable(f"the sandbox could not start: {reason}")


@functools.cache
def _checked() -> Jail | JailUnavailable:
    try:
        jail = _build()
        _probe(jail)
    except JailUnavailable as exc:
        return exc
    return jail


def jail() -> Jail:
    """The machine's jail, built and tried once per process.

    Raises:
        JailUnavailable: It cannot be set up here; the message says why.
    """
    found = _checked()
    if isinstance(found, JailUnavailable):
        raise found
    return found
