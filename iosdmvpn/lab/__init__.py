"""Real-kernel DMVPN lab: namespaces per device, FRR + strongSwan per namespace, checks.

Host side: ``iosdmvpn lab PATH...`` (``cli/lab.py`` -> ``runner`` -> ``scenario``: translate
the configs, lay out the underlay, derive the expectations) or ``vm.run_lab`` with
hand-written specs (``python3 -m iosdmvpn.lab run SPEC...``).  Guest side:
``python3 -m iosdmvpn.lab.guest REQUEST.json``.  Spec format: ``iosdmvpn.lab.spec``.
"""

from __future__ import annotations
