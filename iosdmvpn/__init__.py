"""iosdmvpn: lint Cisco DMVPN configurations and translate them to Linux.

The package is split into one stage per sub-package: ``source`` (files and spans),
``parse`` (IOS text to model), ``model`` (typed configuration), ``checks`` (lint rules),
``report`` (output formats), ``render`` (translation to Linux) and ``cli``.
"""

__version__ = "0.1.0"
