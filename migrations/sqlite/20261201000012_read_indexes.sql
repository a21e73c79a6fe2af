-- An order's page lists the orders merged into it; without an index that is a
-- scan of every order on each read (seen at 100,000 orders in bench/results).
CREATE INDEX work_orders_merged_into ON work_orders (merged_into) WHERE merged_into IS NOT NULL;
