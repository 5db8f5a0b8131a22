"""The application: a zone's fixed chain info plus its modules and router."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bayledger.core.context import ChainInfo
from bayledger.core.genesis import Genesis, GenesisValidator
from bayledger.core.hashing import get_hash_function
from bayledger.core.modules.accounts import MODULE as ACCOUNTS
from bayledger.core.modules.anchor import MODULE as ANCHOR
from bayledger.core.modules.bonds import MODULE as BONDS
from bayledger.core.modules.carbon import MODULE as CARBON
from bayledger.core.modules.cash import MODULE as CASH
from bayledger.core.modules.claims import MODULE as CLAIMS
from bayledger.core.modules.datamobility import MODULE as DATAMOBILITY
from bayledger.core.modules.governance import MODULE as GOVERNANCE
from bayledger.core.modules.identity import MODULE as IDENTITY
from bayledger.core.modules.impact import MODULE as IMPACT
from bayledger.core.msg import Module
from bayledger.core.router import Router

# governance last: a block's messages run before its proposals are tallied at end of block
DEFAULT_MODULES: tuple[Module, ...] = (
    ACCOUNTS,
    IDENTITY,
    ANCHOR,
    CASH,
    CLAIMS,
    CARBON,
    BONDS,
    IMPACT,
    DATAMOBILITY,
    GOVERNANCE,
)


@dataclass(frozen=True)
class App:
    """Everything needed to run blocks of one zone, built once from its genesis."""

    chain: ChainInfo
    router: Router
    validators: tuple[GenesisValidator, ...]
    genesis_time: int

    @property
    def modules(self) -> tuple[Module, ...]:
        """The modules in execution order."""
        return self.router.modules

    def module(self, name: str) -> Module:
        """The module called ``name``; KeyError if there is none."""
        for module in self.modules:
            if module.name == name:
                return module
        raise KeyError(name)


def build_app(genesis: Genesis, modules: Sequence[Module] = DEFAULT_MODULES) -> App:
    """Build the application of a validated genesis document."""
    chain = ChainInfo(
        chain_id=genesis.chain_id,
        hash_algorithm=genesis.hash_algorithm,
        params=genesis.params,
        genesis_params=genesis.params,
        hash_fn=get_hash_function(genesis.hash_algorithm),
        did_ac_code=genesis.did_ac_code,
    )
    return App(
        chain=chain,
        router=Router(modules),
        validators=tuple(genesis.validators),
        genesis_time=genesis.genesis_time,
    )
