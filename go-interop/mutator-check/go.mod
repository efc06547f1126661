module gofuzzshm.example/mutator-check

go 1.18
