"""Rules both front ends need, written once: no Textual and no click here (DESIGN.md's layers)."""
