// DeskStore module.
