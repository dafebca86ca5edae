"""Parse trees of HCL text kept between runs (ecslint.cache): reading one back costs about a tenth of parsing it.

A pre-commit hook lints the changed `.tf` file of a folder whose other files are read for their values; without the
cache every run parses them again. Entries hold python-hcl2's tree (rule names, tokens and every position the
evaluator reads), keyed by the text parsed; a text that does not parse keeps its error. The format folder names the
versions of lark, Python and marshal and a hash of python-hcl2's grammar, so an upgrade of any starts afresh.
"""

from __future__ import annotations

import sys

from ecslint import cache

_FORMAT = 1
_store = None


def _the_store():
    global _store
    if _store is None:
        import lark

        python = f"{sys.version_info[0]}.{sys.version_info[1]}"
        _store = cache.Store(f"hcl-trees-{_FORMAT}-lark{lark.__version__}-hcl2{_grammar()}-py{python}")
    return _store


def _grammar() -> str:
    """A key of python-hcl2's grammar and post-lexer, which decide the trees (read without importing the package,
    whose import alone costs more than a warm run's reading of a file)."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("hcl2")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        return "unknown"
    return cache.key_of_files(*(Path(locations[0]) / name for name in ("hcl2.lark", "postlexer.py")))


def parsed(text: str, parse, error_type):
    """parse(text), or the tree a run kept for this text; raises error_type(message, line, column) as parse does."""
    if not cache.enabled() or len(text) > cache.MAX_KEPT_TEXT:
        return parse(text)
    store = _the_store()
    name = cache.key(text)
    entry = store.load(name)
    if entry is not None:
        try:
            if entry[0] == "error":
                _, message, line, column = entry
                raise error_type(message, line, column)
            return decode(entry[1])
        except (ValueError, TypeError, IndexError, AttributeError, RecursionError):
            pass  # not an entry this version wrote: parsed again and replaced
    try:
        tree = parse(text)
    except error_type as error:
        store.save(name, ("error", error.message, error.line, error.column))
        raise
    try:
        store.save(name, ("tree", encode(tree)))
    except RecursionError:
        pass  # nested deeper than the encoder goes: parsed each time
    return tree


# A token: (type, text, start_pos, line, column, end_line, end_column, end_pos), eight items.
# A tree: (rule, positions or 0 when it has none, children), three items.
_TOKEN_SIZE = 8


def encode(node):
    from lark import Token

    if isinstance(node, Token):
        return (node.type, str(node), node.start_pos, node.line, node.column, node.end_line, node.end_column, node.end_pos)
    meta = node._meta
    where = 0 if meta is None or meta.empty else (meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos)
    return (str(node.data), where, [encode(child) for child in node.children])


def decode(item):
    from lark import Token, Tree
    from lark.tree import Meta

    new_string = str.__new__

    def build(item):
        if len(item) == _TOKEN_SIZE:
            token = new_string(Token, item[1])
            token.type, token.value, token.start_pos, token.line, token.column, token.end_line, token.end_column, token.end_pos = item[0], item[1], *item[2:]
            return token
        rule, where, children = item
        meta = Meta()
        if where:
            meta.empty = False
            meta.line, meta.column, meta.end_line, meta.end_column, meta.start_pos, meta.end_pos = where
        return Tree(rule, [build(child) for child in children], meta)

    return build(item)
