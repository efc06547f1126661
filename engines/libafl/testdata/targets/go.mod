module example.com/libafltargets

go 1.18
