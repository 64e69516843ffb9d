"""qloom-unrollers: translate circuits to a backend's native gates, with exact synthesis."""
