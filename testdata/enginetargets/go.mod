module gofuzzshm.example/enginetargets

go 1.22
