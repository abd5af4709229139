// Console module.
