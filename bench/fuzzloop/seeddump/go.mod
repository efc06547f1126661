module gofuzzshm.example/seeddump

go 1.22
