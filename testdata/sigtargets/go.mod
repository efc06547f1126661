module gofuzzshm.example/sigtargets

go 1.22
