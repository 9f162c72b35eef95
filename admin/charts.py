"""Bar charts for staff pages; the layout lives in the core, shared with the public pages."""

from intake.charts import Bar, BarChart, bar_chart

__all__ = ["Bar", "BarChart", "bar_chart"]
