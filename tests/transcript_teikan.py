"""`teikan` as the documentation transcripts run it (tests/doc_transcripts.py): this checkout's code, fast.

`python tests/transcript_teikan.py ARGS…` runs `teikan ARGS…` from this checkout, whatever is installed: the
checkout comes first on sys.path, and `teikan_cli.examples` (the demo data, which an installed teikan ships inside
the package and an editable install maps to *its* checkout) is this checkout's examples/.

Speed (a trick, kept because the replay of every page runs a few hundred commands): a run of `teikan` spends most of
its time importing Python, Typer, rich and teikan, the same modules every time. With `--client` (what the
transcripts' `teikan` wrapper runs, under `python -S -E` and importing nothing but `_socket`) the command is handed
over a Unix socket to a server (`--serve SOCKET`) that imported all of it once. Per command the server forks a
waiter, which forks the command's own process: that process takes the client's stdin, stdout and stderr (passed
over the socket), environment, folder and arguments, runs `teikan`'s entry point and ends as the interpreter would
end it (`run_and_exit`); the waiter sends its exit status back, and the client exits with it. When the
server cannot be reached, the client runs `teikan` itself. The server assumes a UTF-8 locale (its streams are made
once, under LANG=C.UTF-8), and stops when its stdin closes.
"""

import os
import sys

SERVER_VARIABLE = "TEIKAN_TRANSCRIPT_SERVER"


# ------------------------------------------------------------------ the client: no imports beyond _socket


def ask_server(path, args):
    """The exit status of `teikan ARGS` run by the server, or None when it cannot be reached."""
    import _socket

    client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        client.connect(path)
    except OSError:
        return None
    fields = [os.getcwd(), str(len(args)), *args] + [f"{key}={value}" for key, value in os.environ.items()]
    payload = b"\0".join(os.fsencode(field) for field in fields)
    rights = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))
    message = len(payload).to_bytes(4, "big") + payload
    sent = client.sendmsg([message], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)])
    if sent < len(message):
        client.sendall(message[sent:])
    reply = b""
    while len(reply) < 4:
        part = client.recv(4 - len(reply))
        if not part:
            sys.stderr.write("teikan (transcripts): the server stopped during the command\n")
            return 1
        reply += part
    return int.from_bytes(reply, "big", signed=True)


def client_main(args):
    path = os.environ.get(SERVER_VARIABLE)
    code = ask_server(path, args) if path else None
    if code is not None:
        os._exit(code)
    # No server: run it here, with the site packages this `python -S -E` left out.
    env = {key: value for key, value in os.environ.items() if key != SERVER_VARIABLE}
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *args], env)


# ------------------------------------------------------------------ teikan itself


def use_this_checkout():
    import importlib.util

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[0] = root  # not tests/, the script's folder
    examples = os.path.join(root, "examples")
    spec = importlib.util.spec_from_file_location("teikan_cli.examples", os.path.join(examples, "__init__.py"),
                                                  submodule_search_locations=[examples])
    module = importlib.util.module_from_spec(spec)
    sys.modules["teikan_cli.examples"] = module
    spec.loader.exec_module(module)


def run_teikan(args):
    """`teikan ARGS` in this process: SystemExit carries the exit code to the interpreter."""
    from teikan_cli.entry import main

    sys.argv = ["teikan", *args]
    main()


def run_and_exit(args):
    """`teikan ARGS` in a command's process, ended as the interpreter ends a process — the exit code of SystemExit,
    a traceback for anything else, exit handlers, stdout and stderr flushed (a failure said as the interpreter says
    it, exit status 120) — then `os._exit`: tearing down everything the server imported would cost 0.17 s a command
    (measured), as copy-on-write copies the server's memory."""
    import atexit
    import traceback

    try:
        run_teikan(args)
        code = 0
    except SystemExit as exc:
        code = exc.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            sys.stderr.write(f"{code}\n")
            code = 1
    except BaseException:  # noqa: BLE001 - what the interpreter prints for an uncaught exception
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception as exc:  # noqa: BLE001
            try:
                os.write(2, (f"Exception ignored in: {stream!r}\n"
                             + "".join(traceback.format_exception_only(type(exc), exc))).encode("utf-8", "replace"))
            except OSError:
                pass
            code = 120
    os._exit(code & 0xFF)


# ------------------------------------------------------------------ the server


def preload():
    """Import everything a command may import, once."""
    import importlib
    import pkgutil

    import teikan_cli

    for module in pkgutil.walk_packages(teikan_cli.__path__, "teikan_cli."):
        if module.name not in ("teikan_cli.__main__", "teikan_cli.bench"):
            importlib.import_module(module.name)
    for name in ("rich.console", "rich.table", "rich.progress", "typer.completion"):
        importlib.import_module(name)


def receive(conn):
    """(cwd, argv, env, fds) of one command, as `ask_server` sends them."""
    import socket

    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
        part = conn.recv(1 << 16)
        if not part:
            raise EOFError("the client went away")
        data += part
    fields = [os.fsdecode(field) for field in data[4:].split(b"\0")]
    count = int(fields[1])
    env = dict(item.split("=", 1) for item in fields[2 + count:])
    return fields[0], fields[2:2 + count], env, fds


def serve(path):
    """Accept commands until stdin closes. Returns only in a command's own process, ready to run it."""
    import select
    import signal
    import socket

    preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the waiters
    os.write(1, b"ready\n")
    while True:
        readable, _, _ = select.select([listener, 0], [], [])
        if 0 in readable and not os.read(0, 1024):
            os._exit(0)  # the session has gone
        if listener not in readable:
            continue
        conn, _ = listener.accept()
        try:
            cwd, args, env, fds = receive(conn)
        except (OSError, EOFError, ValueError):
            conn.close()
            continue
        if os.fork() != 0:  # the server: on to the next command
            conn.close()
            for fd in fds:
                os.close(fd)
            continue
        # The waiter: runs the command in a process of its own and reports how it ended.
        listener.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        command = os.fork()
        if command != 0:
            for fd in fds:
                os.close(fd)
            _, status = os.waitpid(command, 0)
            code = os.waitstatus_to_exitcode(status)
            conn.sendall((code if code >= 0 else 128 - code).to_bytes(4, "big", signed=True))
            os._exit(0)
        # The command's process: the client's streams, environment, folder and arguments.
        conn.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = ["teikan", *args]
        return


def main():
    args = sys.argv[1:]
    if args[:1] == ["--client"]:
        client_main(args[1:])
    if args[:1] == ["--serve"]:
        use_this_checkout()
        serve(args[1])
        run_and_exit(sys.argv[1:])
    use_this_checkout()
    run_teikan(args)


if __name__ == "__main__":
    main()
