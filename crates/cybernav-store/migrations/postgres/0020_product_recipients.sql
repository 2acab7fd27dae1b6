-- TLP:RED intelligence products (Part 213.30(a)(4)): the people a RED product is for. The
-- marking columns of products and product_paragraphs keep the label (`TLP:RED`); the names are
-- these rows, one per person (their account), the author always among them. Only the people
-- named here pass `may_see` for the product's RED base and its RED paragraphs.
CREATE TABLE product_recipients (
    product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id),
    PRIMARY KEY (product_id, user_id)
);
CREATE INDEX product_recipients_by_user ON product_recipients (user_id);
