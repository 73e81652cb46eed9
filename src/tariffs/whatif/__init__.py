"""What-if analysis: scenarios, comparison of tariffs, break-even, portfolios."""
