"""qloom-levels: the optimization levels ``O0``..``O3`` as named pipelines."""
