"""YAML read with the line of every key and value, so a schema error can name the line it is on.

    doc = load_positioned(text)      # doc.data: the plain Python value; doc.line(("endpoints", 0, "model"))

A path is a tuple of mapping keys and sequence indexes (pydantic's error `loc`); parts that do not
address anything in the document (the tag pydantic adds for a union member, say) are skipped, so the
line of the deepest part that does exist is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml


class YamlError(ValueError):
    """The text is not YAML (or holds a key twice); `line` is 1-based, or None when unknown."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class PositionedYaml:
    data: Any
    root: yaml.Node | None
    # key path -> (line of the key, line of the value), both 1-based
    _lines: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)

    def line(self, path: Sequence[Any]) -> int | None:
        """The line of the deepest part of `path` found in the document (of its key, for a mapping
        entry); None when not even the first part is there."""
        found: tuple[Any, ...] = ()
        for part in path:
            candidate = (*found, part)
            if candidate in self._lines:
                found = candidate
        if not found:
            return self._lines.get((), (1, 1))[1] if self.root is not None else None
        return self._lines[found][0]

    def exists(self, path: Sequence[Any]) -> bool:
        return tuple(path) in self._lines


def load_positioned(text: str) -> PositionedYaml:
    """Parse one YAML document, keeping line numbers. Raises YamlError (one line, with the line)."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"not valid YAML: {problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    doc = PositionedYaml(data=data, root=root)
    if root is not None:
        doc._lines[()] = (root.start_mark.line + 1, root.start_mark.line + 1)
        _walk(root, (), doc._lines)
    return doc


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], tuple[int, int]]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in seen:
                raise YamlError(f"the key {key!r} is given twice", key_node.start_mark.line + 1)
            seen.add(key)
            child = (*path, key)
            lines[child] = (key_node.start_mark.line + 1, value_node.start_mark.line + 1)
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = (item.start_mark.line + 1, item.start_mark.line + 1)
            _walk(item, child, lines)
