module gofuzzshm.example/gotargets

go 1.18
