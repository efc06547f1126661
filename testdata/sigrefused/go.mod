module gofuzzshm.example/sigrefused

go 1.22
