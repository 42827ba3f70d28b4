"""python-pptx's chart data with the category offset looked up instead of counted.

`Categories.index` walks every category before the one asked for, and python-pptx asks for each
category's offset while it writes the chart XML and again while it writes the workbook: quadratic in the
number of categories (a 1,000-point line chart spent about 40 ms there). Our categories are flat (one
level, no sub-categories), so the offset is the position; anything else falls back to python-pptx's walk.
Same chart XML and workbook as python-pptx writes.
"""

from __future__ import annotations

from pptx.chart.data import Categories, CategoryChartData, XyChartData

__all__ = ["CategoryChartData", "FlatCategoryChartData", "XyChartData"]


class FlatCategories(Categories):
    """Categories whose offsets are remembered per category object (rebuilt when categories are added)."""

    def index(self, category) -> int:
        cats = self._categories
        offsets = getattr(self, "_offsets", None)
        if offsets is None or len(offsets) != len(cats):
            if any(len(c.sub_categories) for c in cats):  # nested: python-pptx's count of leaves
                return super().index(category)
            offsets = self._offsets = {id(c): i for i, c in enumerate(cats)}
        i = offsets.get(id(category))
        return i if i is not None and cats[i] is category else super().index(category)


class FlatCategoryChartData(CategoryChartData):
    """CategoryChartData whose categories are FlatCategories."""

    @property
    def categories(self) -> Categories:
        if not getattr(self, "_categories", False):
            self._categories = FlatCategories()
        return self._categories

    @categories.setter
    def categories(self, category_labels) -> None:
        categories = FlatCategories()
        for label in category_labels:
            categories.add_category(label)
        self._categories = categories
