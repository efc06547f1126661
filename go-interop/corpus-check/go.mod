module gofuzzshm.example/corpus-check

go 1.22
