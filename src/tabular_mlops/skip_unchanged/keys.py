"""Content keys of pipeline nodes, and the record of the keys their outputs were made with.

A node's key hashes what its outputs depend on: its code (the function's source and the
project functions, classes and constants it uses), its parameters, the content of the
pipeline's external inputs it reads (e.g. the source table) and, for inputs made by
another node, that node's key. A change anywhere upstream therefore changes the key of
every node downstream, as in a build system's or DVC's stage cache, without re-reading
the intermediate data.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import types
import uuid
from collections.abc import Callable
from typing import Any

import joblib
from kedro.io import CatalogProtocol
from kedro.pipeline import Pipeline


def _global_names(code: types.CodeType) -> set[str]:
    """Names a code object (and any function, lambda or comprehension in it) looks up."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _package(obj: Any) -> str:
    """The top-level package an object (or a module) belongs to."""
    module = obj.__name__ if isinstance(obj, types.ModuleType) else obj.__module__
    return str(module or "").partition(".")[0]


def code_fingerprint(func: Callable) -> str:
    """Hash of a function's source and of the code and constants of its own package
    that it uses, directly or through other functions of that package.

    Library code is identified by name only: upgrading a library is not detected.
    """
    while isinstance(func, functools.partial):
        func = func.func
    package = _package(func)
    digest = hashlib.sha256()
    pending: list[Any] = [func]
    seen: set[int] = set()

    def describe(value: Any) -> str:
        if isinstance(value, types.ModuleType):
            return f"module {value.__name__}"
        if inspect.isfunction(value) or inspect.isclass(value):
            if _package(value) == package:
                pending.append(value)
            return f"{value.__module__}.{value.__qualname__}"
        if isinstance(value, dict):
            items = sorted(f"{describe(k)}: {describe(v)}" for k, v in value.items())
            return f"{{{', '.join(items)}}}"
        if isinstance(value, set | frozenset):
            return f"{{{', '.join(sorted(map(describe, value)))}}}"
        if isinstance(value, list | tuple):
            return f"[{', '.join(map(describe, value))}]"
        return repr(value)

    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        digest.update(inspect.getsource(obj).encode())
        if inspect.isfunction(obj):
            names = _global_names(obj.__code__)
            for name in sorted(names & obj.__globals__.keys()):
                value = obj.__globals__[name]
                digest.update(f"{name}={describe(value)}".encode())
                if isinstance(value, types.ModuleType) and _package(value) == package:
                    # `module.function(...)`: the attribute names are in co_names too
                    for attribute in sorted(names & vars(value).keys()):
                        member = getattr(value, attribute)
                        digest.update(f"{name}.{attribute}={describe(member)}".encode())
    return digest.hexdigest()


def content_fingerprint(data: Any) -> str:
    """Hash of a value's content (tables, arrays, parameters, any picklable object)."""
    return joblib.hash(data, hash_name="sha1")


def input_fingerprint(name: str, catalog: CatalogProtocol) -> str:
    """Content hash of a dataset: its own ``fingerprint()`` when it has one (e.g. a
    file's bytes, without parsing them), else the hash of its loaded data; a value
    matching no record when it cannot be read, so that its readers run and report
    the problem as they would without the cache."""
    dataset = catalog.get(name, fallback_to_runtime_pattern=True)
    try:
        fingerprint = getattr(dataset, "fingerprint", None)
        if callable(fingerprint):
            return fingerprint()
        return content_fingerprint(catalog.load(name))
    except Exception:  # noqa: BLE001 - the node's own load reports the problem
        return f"unreadable {uuid.uuid4()}"  # matches no record: the node runs


def node_keys(pipeline: Pipeline, catalog: CatalogProtocol) -> dict[str, str]:
    """The key of every node of ``pipeline``; reads only the pipeline's external inputs
    and parameters."""
    producers = {output: node for node in pipeline.nodes for output in node.outputs}
    external: dict[str, str] = {}
    keys: dict[str, str] = {}
    for node in pipeline.nodes:  # topological order: producers come first
        digest = hashlib.sha256(code_fingerprint(node.func).encode())
        digest.update(json.dumps([node.inputs, node.outputs]).encode())
        for name in node.inputs:
            if name in producers:
                source = keys[producers[name].name]
            else:
                if name not in external:
                    external[name] = input_fingerprint(name, catalog)
                source = external[name]
            digest.update(f"{name}={source}".encode())
        keys[node.name] = digest.hexdigest()
    return keys
