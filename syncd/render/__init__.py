"""Pure: turns a plan into text (Terraform-style) or versioned JSON. Renderers only read."""
