"""XZuFi 2.2.0 / 2.3.1 transfer messages: reading (leistung, organisationseinheit,
zustaendigkeit, onlinedienst in ``schreibe`` blocks; ``loesche``) and writing our services.

Element names follow the structure described in DESIGN.md (text modules coded by the LeiKa
code list; Kosten, Fristen and Bearbeitungsdauer as modules of their own). They are NOT
verified against the XSD (not public here): see the README for what is and is not checked.
Elements are matched by local name, so 2.2.0 and 2.3.1 namespaces both work."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ulm_knowledge.importers import LEIKA, ImportFileError, Malformed, ServiceData

NS = {
    "2.2.0": "http://xoev.de/schemata/xzufi/2_2_0",
    "2.3.1": "http://xoev.de/schemata/xzufi/2_3_1",
}

# LeiKa text module codes → our fields (several modules may share one field)
TEXT_MODULES = {
    "02": "name",
    "05": "short_text",
    "24": "teaser",  # the short text when there is no Kurztext
    "06": "full_text",
    "07": "legal_basis",
    "08": "documents",
    "09": "requirements",
    "11": "procedure",
    "14": "hints",  # Formulare (as text; links come from onlinedienst)
    "15": "hints",  # Weiterführende Informationen
    "16": "hints",  # Hinweise
    "25": "hints",  # Rechtsbehelf
    "22": "responsible_office",
    "23": "responsible_office",  # Ansprechpunkt
}
EXPORT_MODULES = [
    ("02", "name"),
    ("05", "short_text"),
    ("06", "full_text"),
    ("07", "legal_basis"),
    ("08", "documents"),
    ("09", "requirements"),
    ("11", "procedure"),
    ("16", "hints"),
    ("22", "responsible_office"),
]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: ET.Element | None, *path: str) -> str:
    for name in path:
        if element is None:
            return ""
        element = _child(element, name)
    if element is None:
        return ""
    return (
        " ".join("".join(element.itertext()).split())
        if len(element)
        else (element.text or "").strip()
    )


def _parse(path: Path) -> ET.Element:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc}") from None
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise ImportFileError(
            f"{path}: DTDs und Entitäten sind in XZuFi-Nachrichten nicht zulässig"
        )
    try:
        # no DTD (checked above), so no entities to expand or resolve (reviewed for B314)
        return ET.fromstring(raw)  # noqa: S314  # nosec B314
    except ET.ParseError as exc:
        raise ImportFileError(f"{path}: kein wohlgeformtes XML ({exc})") from None


def read_xzufi(path: Path) -> tuple[int, Iterator[ServiceData | Malformed], list[str]]:
    """The services written by a transfer message (with their responsibilities and online
    services) and the external ids it deletes."""
    root = _parse(path)
    writes = [w for w in root.iter() if _local(w.tag) == "schreibe"]
    deletes = [d for d in root.iter() if _local(d.tag) == "loesche"]
    if not writes and not deletes:
        raise ImportFileError(
            f"{path}: kein 'schreibe'- oder 'loesche'-Block (keine XZuFi-Übertragung)"
        )
    units: dict[str, dict[str, Any]] = {}
    responsible: dict[str, list[str]] = {}
    online: dict[str, list[dict[str, str]]] = {}
    services: list[ET.Element] = []
    for block in writes:
        for element in block:
            kind = _local(element.tag)
            if kind == "leistung":
                services.append(element)
            elif kind == "organisationseinheit":
                unit_id = _text(element, "id")
                units[unit_id] = {
                    "id": f"xzufi:{unit_id}",
                    "name": _text(element, "name", "name") or _text(element, "name"),
                    "street": " ".join(
                        x
                        for x in (
                            _text(element, "anschrift", "strasse"),
                            _text(element, "anschrift", "hausnummer"),
                        )
                        if x
                    ),
                    "postal_code": _text(element, "anschrift", "postleitzahl"),
                    "city": _text(element, "anschrift", "ort"),
                    "phone": _text(element, "kommunikation", "telefon"),
                    "email": _text(element, "kommunikation", "email"),
                    "opening_hours": _text(element, "oeffnungszeiten"),
                }
            elif kind == "zustaendigkeit":
                responsible.setdefault(_text(element, "leistungID"), []).append(
                    _text(element, "organisationseinheitID")
                )
            elif kind == "onlinedienst":
                for service_id in _children(element, "leistungID"):
                    online.setdefault((service_id.text or "").strip(), []).append(
                        {
                            "kind": "online",
                            "title": _text(element, "bezeichnung"),
                            "url": _text(element, "link"),
                        }
                    )
    deleted = [
        f"xzufi:{(e.text or '').strip()}"
        for block in deletes
        for e in block.iter()
        if _local(e.tag) == "leistungID" and (e.text or "").strip()
    ]

    def items() -> Iterator[ServiceData | Malformed]:
        for position, element in enumerate(services, 1):
            yield _service(position, element, units, responsible, online)

    return len(services), items(), deleted


def _service(
    position: int,
    element: ET.Element,
    units: dict[str, dict[str, Any]],
    responsible: dict[str, list[str]],
    online: dict[str, list[dict[str, str]]],
) -> ServiceData | Malformed:
    service_id = _text(element, "id")
    label = f"leistung #{position}" + (f" (id {service_id})" if service_id else "")
    if not service_id:
        return Malformed(label, "hat keine Kennung (id)")
    fields: dict[str, list[str]] = {}
    for module in _children(element, "modulText"):
        code = _text(module, "leikaTextmodul", "code") or _text(module, "leikaTextmodul")
        content = _text(module, "inhalt")
        if code in TEXT_MODULES and content:
            fields.setdefault(TEXT_MODULES[code], []).append(content)
    name = (fields.get("name") or [""])[0]
    if not name:
        return Malformed(label, "hat keine Leistungsbezeichnung (Textmodul 02)")
    keys = [e.text.strip() for e in element.iter() if _local(e.tag) == "referenzLeiKa" and e.text]
    bad = [k for k in keys if not LEIKA.match(k)]
    if bad:
        return Malformed(
            label, f"referenzLeiKa: kein 14-stelliger LeiKa-Schlüssel: {', '.join(bad)}"
        )

    def module_text(name: str) -> str:
        return "\n".join(
            _text(m, "beschreibung") or _text(m) for m in element.iter() if _local(m.tag) == name
        ).strip()

    keywords = [_text(e) for e in element.iter() if _local(e.tag) == "begriff" and _text(e)]
    return ServiceData(
        external_id=f"xzufi:{service_id}",
        name=name,
        leika_keys=keys,
        keywords=", ".join(keywords),
        short_text=(fields.get("short_text") or fields.get("teaser") or [""])[0],
        full_text="\n\n".join(fields.get("full_text", [])),
        requirements="\n".join(fields.get("requirements", [])),
        documents="\n".join(fields.get("documents", [])),
        fees=module_text("kosten"),
        deadlines=module_text("frist"),
        processing_time=module_text("bearbeitungsdauer"),
        procedure="\n".join(fields.get("procedure", [])),
        forms=online.get(service_id, []),
        legal_basis="\n".join(fields.get("legal_basis", [])),
        hints="\n\n".join(fields.get("hints", [])),
        responsible_office="\n".join(fields.get("responsible_office", [])),
        contact_points=[units[u] for u in responsible.get(service_id, []) if u in units],
    )


# --- Export -------------------------------------------------------------------------------------
def write_xzufi(services: Iterable[Any], version: str = "2.2.0") -> bytes:
    """A transfer message writing ``services`` (our models.Service), with their contact points
    as organisation units and responsibilities, and their online services."""
    ns = NS[version]
    ET.register_namespace("xzufi", ns)

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ns}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ns}}}transfer.operation", {"version": version})
    block = sub(root, "schreibe")
    units: dict[str, dict[str, Any]] = {}
    for service in services:
        own_id = _export_id(service)
        leistung = sub(block, "leistung")
        sub(leistung, "id", own_id)
        for key in service.leika_keys:
            sub(leistung, "referenzLeiKa", key)
        for code, field in EXPORT_MODULES:
            value = getattr(service, field)
            if value:
                module = sub(leistung, "modulText")
                sub(sub(module, "leikaTextmodul"), "code", code)
                sub(module, "inhalt", value, languageCode="de-DE")
        for module_name, inner, field in (
            ("modulKosten", "kosten", "fees"),
            ("modulFrist", "frist", "deadlines"),
            ("modulBearbeitungsdauer", "bearbeitungsdauer", "processing_time"),
        ):
            value = getattr(service, field)
            if value:
                sub(sub(sub(leistung, module_name), inner), "beschreibung", value)
        keywords = [k.strip() for k in re.split(r",", service.keywords) if k.strip()]
        if keywords:
            module = sub(leistung, "modulBegriffImKontext")
            for keyword in keywords:
                sub(sub(module, "begriffImKontext"), "begriff", keyword)
        for point in service.contact_points:
            if point.get("name"):
                unit_id = re.sub(r"^(dldb|xzufi):", "", str(point.get("id") or point["name"]))
                units.setdefault(unit_id, point)
                responsibility = sub(block, "zustaendigkeit")
                sub(responsibility, "leistungID", own_id)
                sub(responsibility, "organisationseinheitID", unit_id)
        onlines = [f for f in service.forms if f.get("kind") == "online"]
        for position, form in enumerate(onlines, 1):
            service_online = sub(block, "onlinedienst")
            sub(service_online, "id", f"{own_id}-od{position}")
            sub(service_online, "bezeichnung", form.get("title") or service.name)
            sub(service_online, "link", form["url"])
            sub(service_online, "leistungID", own_id)
    for unit_id, point in units.items():
        unit = sub(block, "organisationseinheit")
        sub(unit, "id", unit_id)
        sub(sub(unit, "name"), "name", point["name"])
        address = sub(unit, "anschrift")
        street, _, number = str(point.get("street", "")).rpartition(" ")
        sub(address, "strasse", street or number)
        sub(address, "hausnummer", number if street else "")
        sub(address, "postleitzahl", point.get("postal_code", ""))
        sub(address, "ort", point.get("city", ""))
        contact = sub(unit, "kommunikation")
        sub(contact, "telefon", point.get("phone", ""))
        sub(contact, "email", point.get("email", ""))
        if point.get("opening_hours"):
            sub(unit, "oeffnungszeiten", point["opening_hours"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _export_id(service: Any) -> str:
    external = service.external_id or ""
    if external.startswith("xzufi:"):
        return external.split(":", 1)[1]
    return f"ulm-{service.uuid}"
