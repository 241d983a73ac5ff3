"""One CSS query for many sibling blocks.

The DOM-based strategies ask the same few selectors of every block of a liveblog
(`block.css("time")`, its headings, its paragraphs...). Each such call costs a few
microseconds however small the block; `SiblingSelect` runs each selector once over the
blocks' parent and hands its matches out by block.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode


def css(root: LexborNode, selector: str) -> list[LexborNode]:
    """root.css(selector): the default `select` of the helpers in dom.py."""
    return root.css(selector)


class SiblingSelect:
    """`css` for many sibling blocks at once: each selector runs once over their parent and
    its matches are handed out by block (in document order, the block itself included, as
    root.css gives them). For any other root it is plain root.css.

    Per-block queries cost a few microseconds each however small the block; one query over
    the parent costs about as much as a tenth of a microsecond per node under it.
    """

    def __init__(self, parent: LexborNode, blocks: list[LexborNode]) -> None:
        self.parent = parent
        self.blocks = {block.mem_id for block in blocks}
        self._by_selector: dict[str, dict[int, list[LexborNode]]] = {}
        self._owner: dict[int, int] = {}  # node mem_id -> mem_id of its child of parent (0: none)

    def __call__(self, root: LexborNode, selector: str) -> list[LexborNode]:
        if root.mem_id not in self.blocks:
            return root.css(selector)
        buckets = self._by_selector.get(selector)
        if buckets is None:
            buckets = self._by_selector[selector] = self._bucket(selector)
        return buckets.get(root.mem_id, [])

    def _bucket(self, selector: str) -> dict[int, list[LexborNode]]:
        buckets: dict[int, list[LexborNode]] = {}
        owner = self._owner
        parent_id = self.parent.mem_id
        for node in self.parent.css(selector):
            mem_id = node.mem_id
            block = owner.get(mem_id)
            if block is None:
                # climb to the child of parent, remembering the way (each node climbs once)
                path = [mem_id]
                current = node
                while True:
                    up = current.parent
                    if up is None:
                        block = 0  # the parent itself (or outside it)
                        break
                    up_id = up.mem_id
                    if up_id == parent_id:
                        block = current.mem_id
                        break
                    known = owner.get(up_id)
                    if known is not None:
                        block = known
                        break
                    path.append(up_id)
                    current = up
                for step in path:
                    owner[step] = block
            if block:
                buckets.setdefault(block, []).append(node)
        return buckets
