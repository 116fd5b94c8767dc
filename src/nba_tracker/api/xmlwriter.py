"""The one way the tracker writes XML: ElementTree for the escaping, and a serialiser
that first removes every character XML 1.0 cannot carry.

ElementTree escapes ``<`` and ``&`` but writes a control character (``\\x01``), a NUL or
a lone surrogate as is, and one such character makes the whole document unreadable to
every feed reader. Cleaning at serialisation, over the whole tree, holds however the
tree was built.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

__all__ = ["sub", "to_bytes", "xml_safe"]

# Everything outside XML 1.0's ``Char`` production, plus the C1 controls and
# noncharacters it discourages.
_NOT_XML = re.compile(
    "[^\\t\\n\\r\\x20-\\x7e\\xa0-\\ud7ff\\ue000-\\ufdcf\\ufdf0-\\ufffd\\U00010000-\\U0010ffff]"
)


def xml_safe(value: str) -> str:
    return _NOT_XML.sub("", value)


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def _clean(element: ET.Element) -> None:
    for node in element.iter():
        if node.text:
            node.text = xml_safe(node.text)
        if node.tail:
            node.tail = xml_safe(node.tail)
        for key, value in list(node.attrib.items()):
            node.attrib[key] = xml_safe(value)


def to_bytes(root: ET.Element) -> bytes:
    """UTF-8 with a declaration; every text, tail and attribute made XML-safe first."""
    _clean(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
