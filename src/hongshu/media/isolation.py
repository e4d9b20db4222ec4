"""Image decoding and encoding in a short-lived child process, under a memory and a CPU ceiling.

A small image file can ask for gigabytes once decoded (a 208 KB single-colour 7000 × 7000 PNG cost ~800 MB
and 4 s inside a web worker, and the memory stayed with the worker). So every decode — the upload-time
check as well as processing — runs in a child process of its own:
- a memory ceiling (RLIMIT_DATA, counted from the child's size when it starts) turns an oversized decode
  into MemoryError, or kills the child; either way a failure with a code, never a dead web worker;
- a CPU ceiling (RLIMIT_CPU) and a wall-clock deadline end a decoder that would spin;
- one child per call: whatever it allocated goes back to the operating system when it exits (a
  long-lived process keeps freed heap), and one bad image can't fail the others being processed.

Children are forked from multiprocessing's fork server, a small process that has imported Pillow and
this package's render module once (not Django, not the language data of a web worker), so each child
starts quickly (docs/benchmarks.md#image-decoder-children) and its address space is small enough for the
ceiling to mean something.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from PIL import Image

from hongshu.media.render import DECODE_ERRORS, Source

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Seconds of CPU one child may use; a 40-megapixel photo takes about 3 (docs/configuration.md).
CPU_SECONDS = 60
# Wall-clock deadline, generous for a machine busy with other work: the CPU ceiling is the real bound.
WALL_SECONDS = 3 * CPU_SECONDS
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["hongshu.media.render", "hongshu.media.isolation"])


class ChildFailure(Exception):
    """The child could not produce a result; `code` says why (stored as the asset's error code)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _private_memory() -> int | None:
    """This process's private writable memory (VmData) in bytes, or None where /proc is missing."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[5]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _set_ceilings(memory_bytes: int, cpu_seconds: int) -> None:
    # Counted from the child's own data at start (the interpreter, Pillow), so `memory_bytes` is what the
    # image may take. RLIMIT_DATA (Linux ≥ 4.7: heap and private writable mappings, where decoded pixels
    # live) rather than RLIMIT_AS: address space also counts the 64 MB malloc arena each decoder thread
    # reserves without using it, which varies with the number of cores, not with the image.
    base = _private_memory()
    if base is not None:
        resource.setrlimit(resource.RLIMIT_DATA, (base + memory_bytes, base + memory_bytes))
    # SIGXCPU at the soft limit ends the child; the hard limit (SIGKILL) is a backstop.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


@dataclass(frozen=True)
class _Job:
    function: Callable[..., Any]  # pickled by reference: a module-level function of render.py
    source: Source
    kwargs: dict[str, Any]
    memory_bytes: int
    cpu_seconds: int


def _child_main(send: Connection, job: _Job) -> None:
    _set_ceilings(job.memory_bytes, job.cpu_seconds)
    outcome: tuple[str, Any]
    try:
        outcome = ("ok", job.function(job.source, **job.kwargs))
    except MemoryError:
        outcome = ("failed", "image_memory_limit")
    except Image.DecompressionBombError:
        outcome = ("failed", "image_too_large")
    except DECODE_ERRORS:
        outcome = ("failed", "image_corrupt")
    except RuntimeError as exc:  # pillow_heif reports libheif's failed allocations this way
        failure = "image_memory_limit" if "Memory allocation" in str(exc) else traceback.format_exc(limit=8)
        outcome = ("failed", failure) if failure == "image_memory_limit" else ("error", failure)
    except Exception:  # noqa: BLE001 - any other error of a decoder or encoder fails the image, logged
        outcome = ("error", traceback.format_exc(limit=8))
    # The images of the failed call are released by now (the exception and its frames are gone).
    send.send(outcome)
    send.close()


def run_in_child(function: Callable[..., T], source: Source, *, memory_bytes: int, **kwargs: Any) -> T:
    """`function(source, **kwargs)` in a new child process under the ceilings; its result (picklable).

    Raises ChildFailure when the child fails or dies. Failing to start a child at all (no processes or
    memory left on the machine) raises OSError: that is not the image's fault, so callers may retry.
    """
    receive, send = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_child_main,
        args=(send, _Job(function, source, kwargs, memory_bytes, CPU_SECONDS)),
        name="hongshu-image",
        daemon=True,
    )
    try:
        process.start()
    finally:
        send.close()  # the child holds its own end; ours must close so a dead child reads as EOF
    outcome: tuple[str, Any] | None = None
    deadline_passed = False
    try:
        if receive.poll(WALL_SECONDS):
            outcome = receive.recv()
        else:
            deadline_passed = True
    except EOFError:
        pass  # the child died before answering
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
        exitcode = process.exitcode
        process.close()
    if outcome is None:
        # SIGKILL alone may also be the kernel's OOM killer, which is not a time limit.
        timed_out = deadline_passed or exitcode == -signal.SIGXCPU
        logger.warning("image child ended without an answer (exit code %s)", exitcode)
        raise ChildFailure("image_time_limit" if timed_out else "image_worker_died")
    status, value = outcome
    if status == "ok":
        result: T = value
        return result
    if status == "error":
        logger.error("image child failed:\n%s", value)
        raise ChildFailure("image_unprocessable")
    raise ChildFailure(str(value))
