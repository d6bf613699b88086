"""ObjectMeta checks the apiserver runs for every kind: name format, labels, annotations."""

from __future__ import annotations

import re

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN_RE = re.compile(rf"^{_LABEL}(\.{_LABEL})*\Z")
_LABEL_RE = re.compile(rf"^{_LABEL}\Z")
_LABEL_1035_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE_RE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")

_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
_LABEL_1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)


def _cause(field: str, value, detail: str, reason: str = "FieldValueInvalid") -> dict:
    return {"reason": reason, "message": f"Invalid value: {_show(value)}: {detail}", "field": field}


def _show(value) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def name_causes(name: str, rule: str) -> list[dict]:
    checks = {
        "subdomain": (_SUBDOMAIN_RE, _SUBDOMAIN_MSG, 253),
        "label": (_LABEL_RE, _LABEL_MSG, 63),
        "label1035": (_LABEL_1035_RE, _LABEL_1035_MSG, 63),
    }
    regex, msg, max_len = checks[rule]
    out = []
    if len(name) > max_len:
        out.append(_cause("metadata.name", name, f"must be no more than {max_len} characters"))
    if not regex.match(name):
        out.append(_cause("metadata.name", name, msg))
    return out


def _qualified_name_ok(key: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _SUBDOMAIN_RE.match(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(_QUALIFIED_RE.match(name))


def meta_causes(obj: dict, rule: str) -> list[dict]:
    meta = obj.get("metadata") or {}
    name = meta.get("name") or ""
    if not name:
        return [
            {
                "reason": "FieldValueRequired",
                "message": "Required value: name or generateName is required",
                "field": "metadata.name",
            }
        ]
    causes = name_causes(name, rule)
    for key, value in (meta.get("labels") or {}).items():
        if not _qualified_name_ok(key):
            causes.append(
                _cause(
                    "metadata.labels",
                    key,
                    "name part must consist of alphanumeric characters, "
                    "'-', '_' or '.', and must start and end with an alphanumeric character",
                )
            )
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE_RE.match(value):
            causes.append(
                _cause(
                    "metadata.labels",
                    value,
                    "a valid label must be an empty string or consist "
                    "of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                    "alphanumeric character",
                )
            )
    for key in meta.get("annotations") or {}:
        if not _qualified_name_ok(key):
            causes.append(
                _cause(
                    "metadata.annotations",
                    key,
                    "name part must consist of alphanumeric "
                    "characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    "character",
                )
            )
    return causes
