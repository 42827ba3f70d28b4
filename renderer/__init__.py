"""vizspec: diagrams of LLM training and alignment as data, rendered to SVG, PNG and PPTX."""

__version__ = "0.1.0"
