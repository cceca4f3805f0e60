"""docgen: the documents of 广东省促进经济高质量发展专项资金（金融发展）, built from YAML in git."""

__version__ = "0.1.0"
