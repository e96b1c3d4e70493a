"""Socket Lab's file helper: the editor's reads and writes of a workspace's files.

The backend runs it inside the workspace's sandbox, as the learner, in isolated mode (python3 -I: no PYTHON*
variables, nothing of the home on sys.path), so it can do nothing to the files the learner could not do from a
terminal; the checks below are there to give clear answers, not to keep anyone in. See
server/src/workspace/file-helper.ts, which starts it and reads its answer.

One JSON request on stdin, one JSON answer on stdout:
  {"op": "read", "path": P}                       -> {"ok": true, "text": T, "version": V}
  {"op": "write", "path": P, "text": T, "if": C}  -> {"ok": true, "version": V}
      C: a version (the file must still be it), "absent" (there must be no such file) or "any"
  {"op": "versions", "paths": [P, ...]}           -> {"ok": true, "versions": {P: V or null (gone)}}
A refusal: {"ok": false, "code": C, "message": M}, C one of src/protocol/files.ts's FILE_ERROR_CODES.
A version is the SHA-256 of the file's bytes, in hex. The size limit is argv[1].
"""
import errno
import hashlib
import json
import os
import stat
import sys
import tempfile

MAX_BYTES = int(sys.argv[1])
HOME = os.path.realpath(os.environ["HOME"])
SAVE_PREFIX = ".socket-lab-save-"


class Refusal(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def resolve(rel):
    """The real path of `rel` (relative to the home), refused unless it stays inside the home."""
    if not isinstance(rel, str) or rel == "" or rel.startswith("/") or "\0" in rel:
        raise Refusal("bad-path", f"{rel!r} is not a path inside your home")
    if any(name in ("", ".", "..") for name in rel.split("/")):
        raise Refusal("bad-path", f"{rel} is not a plain path inside your home (no '.', '..' or '//')")
    real = os.path.realpath(os.path.join(HOME, rel))
    if real == HOME:
        raise Refusal("not-a-file", f"{rel} is your home itself, not a file")
    if not real.startswith(HOME + "/"):
        raise Refusal("bad-path", f"{rel} leads outside your home (to {real}), through a symbolic link")
    return real


def version_of(data):
    return hashlib.sha256(data).hexdigest()


def read_bytes(real, rel):
    """The bytes of the regular file at `real`, or None if there is none."""
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise os_refusal(error, rel) from error
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Refusal("not-a-file", f"{rel} is not a file (a directory, a device, a pipe...)")
    with os.fdopen(fd, "rb") as file:
        if info.st_size > MAX_BYTES:
            raise Refusal("too-large", f"{rel} is {info.st_size} bytes: the editor opens files up to {MAX_BYTES}")
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Refusal("too-large", f"{rel} is larger than the {MAX_BYTES} bytes the editor opens")
    return data


def as_text(data, rel):
    if b"\0" in data:
        raise Refusal("not-text", f"{rel} is a binary file (it has NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refusal("not-text", f"{rel} is not UTF-8 text (byte {error.start} is not UTF-8)") from error


def os_refusal(error, rel):
    if error.errno == errno.ELOOP:
        return Refusal("bad-path", f"{rel} became a symbolic link meanwhile")
    if error.errno in (errno.ENOTDIR, errno.EISDIR):
        return Refusal("not-a-file", f"{rel}: {error.strerror}")
    if error.errno == errno.ENAMETOOLONG:
        return Refusal("bad-path", f"{rel}: the name is too long for the file system")
    return Refusal("io-error", f"{rel}: {error.strerror}")


def read(request):
    rel = request["path"]
    data = read_bytes(resolve(rel), rel)
    if data is None:
        raise Refusal("not-found", f"there is no file {rel}")
    return {"text": as_text(data, rel), "version": version_of(data)}


def write(request):
    rel, text, condition = request["path"], request["text"], request["if"]
    real = resolve(rel)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Refusal("not-text", f"the text for {rel} is not well-formed Unicode") from error
    if len(data) > MAX_BYTES:
        raise Refusal("too-large", f"the text is {len(data)} bytes: the editor saves files up to {MAX_BYTES}")
    if b"\0" in data:
        raise Refusal("not-text", "the text has NUL characters: the editor saves text only")
    mode = 0o644  # a new file's; a file replaced keeps its own
    if condition != "any":
        try:
            current = read_bytes(real, rel)
        except Refusal as refusal:
            if refusal.code != "too-large":
                raise
            raise Refusal("conflict", f"{rel} changed since it was opened: nothing was saved") from refusal
        if condition == "absent" and current is not None:
            raise Refusal("conflict", f"{rel} exists already")
        if condition != "absent" and current is None:
            raise Refusal("not-found", f"{rel} was deleted since it was opened: nothing was saved")
        if condition != "absent" and version_of(current) != condition:
            raise Refusal("conflict", f"{rel} changed since it was opened: nothing was saved")
    try:
        mode = stat.S_IMODE(os.lstat(real).st_mode)
    except FileNotFoundError:
        pass
    except OSError as error:
        raise os_refusal(error, rel) from error
    replace_atomically(real, rel, data, mode)
    return {"version": version_of(data)}


def replace_atomically(real, rel, data, mode):
    """Writes a new file beside the old one and renames it over it: a reader sees the old file or the new, whole."""
    parent = os.path.dirname(real)
    try:
        os.makedirs(parent, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=parent, prefix=SAVE_PREFIX)
    except OSError as error:
        raise os_refusal(error, rel) from error
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            os.fchmod(file.fileno(), mode)
        os.replace(temp, real)
    except OSError as error:
        os.unlink(temp)
        raise os_refusal(error, rel) from error


def versions(request):
    found = {}
    for rel in request["paths"]:
        try:
            data = read_bytes(resolve(rel), rel)
        except Refusal:
            continue  # not a file the editor can have open: nothing to tell it
        found[rel] = None if data is None else version_of(data)
    return {"versions": found}


OPS = {"read": read, "write": write, "versions": versions}


def main():
    try:
        request = json.load(sys.stdin.buffer)
        answer = {"ok": True, **OPS[request["op"]](request)}
    except Refusal as refusal:
        answer = {"ok": False, "code": refusal.code, "message": refusal.message}
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode("utf-8"))


main()
