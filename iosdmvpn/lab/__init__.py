"""Real-kernel DMVPN lab: namespaces per device, FRR + strongSwan per namespace, checks.

Host side: ``vm.run_lab`` (or ``python3 -m iosdmvpn.lab run SPEC...``).  Guest side:
``python3 -m iosdmvpn.lab.guest REQUEST.json``.  Spec format: ``iosdmvpn.lab.spec``.
"""

from __future__ import annotations
