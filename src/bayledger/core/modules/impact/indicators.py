"""Fixed vocabularies of the impact module: ICMA categories, core indicators and taxonomies.

Indicator values are integers in a fixed sub-unit (``scale`` decimal places of the reporting unit), so a
tonne of CO2e avoided is recorded as 1000 (kg) and nothing is ever a float.
"""

from __future__ import annotations

from dataclasses import dataclass

GBP_CATEGORIES: tuple[str, ...] = (
    "renewable-energy",
    "energy-efficiency",
    "pollution-prevention-and-control",
    "living-natural-resources-and-land-use",
    "terrestrial-and-aquatic-biodiversity",
    "clean-transportation",
    "sustainable-water-and-wastewater-management",
    "climate-change-adaptation",
    "circular-economy",
    "green-buildings",
)
"""The eligible project categories of the ICMA Green Bond Principles (June 2021, with June 2022 appendix)."""


@dataclass(frozen=True)
class Indicator:
    """A core indicator of the ICMA Harmonised Framework for Impact Reporting: its unit and its scale."""

    name: str
    unit: str
    scale: int  # decimal places of ``unit`` the integer value carries
    description: str


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("ghg-emissions-avoided", "tCO2e", 3, "annual GHG emissions reduced/avoided"),
        Indicator("renewable-energy-generated", "MWh", 3, "annual renewable energy generation"),
        Indicator("renewable-energy-capacity", "MW", 3, "capacity of renewable energy plant(s) built"),
        Indicator("energy-saved", "MWh", 3, "annual energy savings"),
        Indicator("water-saved", "m3", 0, "annual absolute water savings"),
        Indicator("waste-avoided", "t", 3, "annual waste prevented, minimised, reused or recycled"),
        Indicator("clean-vehicles", "vehicles", 0, "number of clean vehicles deployed"),
        Indicator("green-floor-area", "m2", 0, "floor area of certified green buildings"),
    )
}
"""Core indicators by name (ICMA Handbook — Harmonised Framework for Impact Reporting, June 2024)."""

TAXONOMIES: dict[str, str] = {
    "HK-TAXONOMY": "Hong Kong Taxonomy for Sustainable Finance (HKMA)",
    "CGT": "EU-China Common Ground Taxonomy (IPSF)",
    "EU-TAXONOMY": "EU Taxonomy Climate Delegated Act",
    "CN-GBEPC": "China Green Bond Endorsed Projects Catalogue",
}
"""Taxonomies a use-of-proceeds entry may cite, each with its version and activity code."""

GHG_AVOIDED = "ghg-emissions-avoided"
GHG_CLAIM_UNIT = (
    "tCO2e/1000"  # the claims-registry unit of a kg of CO2e, as the carbon registry's at precision 3
)

BASIS_EX_ANTE = "ex-ante"
BASIS_EX_POST = "ex-post"
REPORT_BASES = (BASIS_EX_ANTE, BASIS_EX_POST)
