"""Carbon registry in the SDK: message builders, quantity conversion, and the read API.

Every builder returns the JSON object a tx body carries (``{"type": "carbon/Msg…", …}``), built through
the structs of ``core/modules/carbon/msgs.py``. Quantities on chain are integers in the credit type's
smallest unit: :func:`parse_quantity` turns ``"12.5"`` tCO2e into ``12500`` at precision 3 and raises
``PrecisionExceededError`` (``carbon/12``) for ``"12.5005"``.

>>> reads = CarbonApi(client)
>>> batch = reads.batch("C01-001-20240101-20241231-001")
>>> wallet.send(retire_credits(wallet.did, batch["batch_id"], parse_quantity("50", batch["precision"]),
...                            beneficiary="Harbour Airlines Ltd", reason="2025 offset", jurisdiction="HK"))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bayledger.core.modules.carbon.msgs import (
    MsgBridgeIn,
    MsgCancelCredits,
    MsgCreateClass,
    MsgCreateProject,
    MsgEscrowCredits,
    MsgIssueBatch,
    MsgRegisterCreditType,
    MsgReleaseEscrow,
    MsgRetireCredits,
    MsgSetAdjustment,
    MsgTransferCredits,
    MsgUpdateClassIssuers,
)
from bayledger.core.modules.carbon.rules import VERIFIED_QUANTITY_KEY, format_quantity, parse_quantity
from bayledger.core.modules.carbon.state import Document, IssuanceEntry, compute_batch_id
from bayledger.sdk.builders import msg_to_dict
from bayledger.sdk.client import Client, _page, _seg

__all__ = [
    "VERIFIED_QUANTITY_KEY",
    "CarbonApi",
    "batch_id",
    "format_quantity",
    "parse_quantity",
]

Ranges = Sequence[tuple[int, int]]


def batch_id(project_id: str, vintage_start: str, vintage_end: str, number: int = 1) -> str:
    """The id of a project's ``number``-th batch: ``C01-001-20240101-20241231-001``."""
    return compute_batch_id(project_id, vintage_start, vintage_end, number)


def register_credit_type(
    authority: str, abbreviation: str, name: str, unit: str, precision: int
) -> dict[str, Any]:
    """``carbon/MsgRegisterCreditType`` (signer needs the ``carbon-registrar`` role)."""
    return msg_to_dict(MsgRegisterCreditType(authority, abbreviation, name, unit, precision))


def create_class(
    authority: str,
    credit_type: str,
    admin: str,
    issuers: Sequence[str],
    methodology: str,
    name_en: str,
    name_zh: str = "",
) -> dict[str, Any]:
    """``carbon/MsgCreateClass`` (signer needs the ``carbon-registrar`` role)."""
    return msg_to_dict(
        MsgCreateClass(authority, credit_type, admin, list(issuers), methodology, name_en, name_zh)
    )


def update_class_issuers(
    admin: str, class_id: str, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> dict[str, Any]:
    """``carbon/MsgUpdateClassIssuers`` by the class admin."""
    return msg_to_dict(MsgUpdateClassIssuers(admin, class_id, list(add), list(remove)))


def create_project(
    creator: str,
    class_id: str,
    developer: str,
    *,
    jurisdiction: str,
    location: str,
    methodology: str,
    name_en: str,
    name_zh: str = "",
    reference: str = "",
    documents: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """``carbon/MsgCreateProject`` by the class admin or an issuer; ``documents`` are (name, sha256 hex)."""
    docs = [Document(name=name, hash=digest) for name, digest in documents]
    return msg_to_dict(
        MsgCreateProject(
            creator,
            class_id,
            developer,
            jurisdiction,
            location,
            methodology,
            name_en,
            name_zh,
            reference,
            docs,
        )
    )


def issuance_entry(
    recipient: str,
    tradable: int,
    retired: int = 0,
    *,
    beneficiary: str = "",
    reason: str = "",
    jurisdiction: str = "",
) -> IssuanceEntry:
    """One recipient of :func:`issue_batch` (smallest units tradable, and retired at once)."""
    return IssuanceEntry(recipient, tradable, retired, beneficiary, reason, jurisdiction)


def issue_batch(
    issuer: str,
    project_id: str,
    vintage_start: str,
    vintage_end: str,
    report_anchor_id: str,
    entries: Sequence[IssuanceEntry],
    *,
    authorization: str = "unauthorized",
    host_country: str = "",
    adjustment_status: str = "not-required",
) -> dict[str, Any]:
    """``carbon/MsgIssueBatch`` by an allowed issuer holding a CarbonVerifierCredential."""
    return msg_to_dict(
        MsgIssueBatch(
            issuer, project_id, vintage_start, vintage_end, report_anchor_id, list(entries),
            authorization, host_country, adjustment_status,
        )
    )  # fmt: skip


def transfer_credits(
    sender: str,
    recipient: str,
    batch: str,
    amount: int,
    *,
    serials: Ranges = (),
    retire: bool = False,
    beneficiary: str = "",
    reason: str = "",
    jurisdiction: str = "",
) -> dict[str, Any]:
    """``carbon/MsgTransferCredits`` (``retire=True``: transfer-and-retire for the recipient)."""
    return msg_to_dict(
        MsgTransferCredits(
            sender, recipient, batch, amount, list(serials), retire, beneficiary, reason, jurisdiction
        )
    )


def retire_credits(
    owner: str,
    batch: str,
    amount: int,
    *,
    beneficiary: str,
    reason: str,
    jurisdiction: str,
    serials: Ranges = (),
) -> dict[str, Any]:
    """``carbon/MsgRetireCredits``: permanent, claimed in the claims registry."""
    return msg_to_dict(
        MsgRetireCredits(owner, batch, amount, beneficiary, reason, jurisdiction, list(serials))
    )


def cancel_credits(
    owner: str,
    batch: str,
    amount: int,
    reason: str,
    *,
    target_registry: str = "",
    target_reference: str = "",
    serials: Ranges = (),
) -> dict[str, Any]:
    """``carbon/MsgCancelCredits`` (a bridge out when the target registry and reference are given)."""
    return msg_to_dict(
        MsgCancelCredits(owner, batch, amount, reason, target_registry, target_reference, list(serials))
    )


def escrow_credits(
    owner: str, batch: str, amount: int, agent: str, reference: str = "", *, serials: Ranges = ()
) -> dict[str, Any]:
    """``carbon/MsgEscrowCredits``: lock credits under ``agent``."""
    return msg_to_dict(MsgEscrowCredits(owner, batch, amount, agent, reference, list(serials)))


def release_escrow(agent: str, escrow_id: str, recipient: str) -> dict[str, Any]:
    """``carbon/MsgReleaseEscrow`` by the escrow agent."""
    return msg_to_dict(MsgReleaseEscrow(agent, escrow_id, recipient))


def bridge_in(
    issuer: str,
    project_id: str,
    vintage_start: str,
    vintage_end: str,
    *,
    origin_registry: str,
    origin_batch: str,
    origin_reference: str,
    origin_first: int,
    origin_last: int,
    recipient: str,
    authorization: str = "unauthorized",
    host_country: str = "",
    adjustment_status: str = "not-required",
) -> dict[str, Any]:
    """``carbon/MsgBridgeIn``: whole origin credits ``origin_first..origin_last`` become a local batch
    (with the Paris Art. 6 fields of the origin: authorisation, host country, adjustment status)."""
    return msg_to_dict(
        MsgBridgeIn(
            issuer, project_id, vintage_start, vintage_end, origin_registry, origin_batch, origin_reference,
            origin_first, origin_last, recipient, authorization, host_country, adjustment_status,
        )
    )  # fmt: skip


def set_adjustment(authority: str, batch: str, adjustment_status: str, reference: str) -> dict[str, Any]:
    """``carbon/MsgSetAdjustment`` by a regulator (Paris Art. 6 corresponding adjustment)."""
    return msg_to_dict(MsgSetAdjustment(authority, batch, adjustment_status, reference))


class CarbonApi:
    """The carbon and claims reads of ``/v1/carbon`` and ``/v1/claims`` through a :class:`Client`."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def _get(self, path: str, **params: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.client._get(path, **params)
        return answer

    def registry(self) -> dict[str, Any]:
        """Credit types, classes and projects."""
        return self._get("/v1/carbon/registry")

    def batches(
        self, class_id: str | None = None, project_id: str | None = None, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of batches."""
        return self._get(
            "/v1/carbon/batches", **_page(offset, limit, class_id=class_id, project_id=project_id)
        )

    def batch(self, batch: str) -> dict[str, Any]:
        """One batch with its serial ranges."""
        return self._get(f"/v1/carbon/batches/{_seg(batch)}")

    def provenance(self, batch: str, serial: int) -> dict[str, Any]:
        """Holder, status and every movement of one serial."""
        return self._get(f"/v1/carbon/batches/{_seg(batch)}/serials/{serial}")

    def supply(self, group_by: str = "class") -> dict[str, Any]:
        """Totals per class, project, vintage or batch."""
        return self._get("/v1/carbon/supply", group_by=group_by)

    def balances(self, did: str, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A holder's balances with serial ranges."""
        return self._get(f"/v1/carbon/balances/{_seg(did)}", **_page(offset, limit))

    def retirements(
        self, beneficiary: str | None = None, batch: str | None = None, offset: int = 0, limit: int = 50
    ) -> dict[str, Any]:
        """A page of retirements (of one beneficiary or batch)."""
        return self._get(
            "/v1/carbon/retirements", **_page(offset, limit, beneficiary=beneficiary, batch_id=batch)
        )

    def retirement(self, retirement_id: str) -> dict[str, Any]:
        """One retirement with batch, project and claim."""
        return self._get(f"/v1/carbon/retirements/{_seg(retirement_id)}")

    def export_csv(self, kind: str) -> str:
        """``batches``, ``retirements`` or ``balances`` as CSV text."""
        return self.client._request("GET", f"/v1/carbon/export/{_seg(kind)}.csv").text

    def claims(self, project_ref: str | None = None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """A page of claims (of one project)."""
        return self._get("/v1/claims", **_page(offset, limit, project_ref=project_ref))

    def claim(self, claim_id: str) -> dict[str, Any]:
        """One claim."""
        return self._get(f"/v1/claims/{_seg(claim_id)}")
