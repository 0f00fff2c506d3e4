"""Runs a command at a real pseudo-terminal (python3's pty module) and answers its questions.

    python3 pty-run.py ANSWERS_JSON COMMAND [ARG...]

ANSWERS_JSON is a list of [question, answer] pairs: each time the terminal shows the next
question, its answer (a line) is typed. Prints what the terminal showed, then exits with the
command's exit code. Used by e2e tests of what llm asks at a terminal (no native node-pty)."""

import json
import os
import pty
import sys


def main():
    answers = json.loads(sys.argv[1])
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    shown = b""
    asked = 0  # the length of `shown` already matched against questions
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if answers:
            question = answers[0][0].encode()
            at = shown.find(question, asked)
            if at >= 0:
                asked = at + len(question)
                os.write(fd, answers.pop(0)[1].encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(shown.decode("utf-8", "replace"))
    if answers:
        sys.stdout.write(f"\n[pty-run: never asked {answers[0][0]!r}]\n")
    sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main()
