"""Off-chain components: vaults that hold data encrypted at rest and move it encrypted, never on chain."""
