module gofuzzshm.example/sigbroken

go 1.22
