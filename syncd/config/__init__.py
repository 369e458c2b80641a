"""Reading configuration files (I/O edge): syncd's own format and the Recyclarr and
Configarr dialects, normalized into `syncd.config.model.Config`."""
