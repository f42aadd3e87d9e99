<#-- weft DDL: CREATE TABLE (column or table PRIMARY KEY), CREATE [UNIQUE] INDEX, DROP TABLE/INDEX. -->

boolean WeftIfNotExists() :
{ }
{
    <IF> <NOT> <EXISTS> { return true; }
|   { return false; }
}

boolean WeftIfExists() :
{ }
{
    <IF> <EXISTS> { return true; }
|   { return false; }
}

void WeftTableElement(List<SqlNode> list) :
{
    final SqlIdentifier id;
    final SqlDataTypeSpec type;
    boolean nullable = true;
    boolean key = false;
    final SqlNodeList cols;
    final Span s = Span.of();
}
{
    id = SimpleIdentifier() type = DataType()
    (
        <NOT> <NULL> { nullable = false; }
    |   <NULL> { nullable = true; }
    |   <PRIMARY> <KEY> { key = true; nullable = false; }
    )*
    {
        list.add(SqlDdlNodes.column(s.add(id).end(this), id, type.withNullable(nullable), null,
            nullable ? ColumnStrategy.NULLABLE : ColumnStrategy.NOT_NULLABLE));
        if (key) {
            list.add(SqlDdlNodes.primary(s.end(this), null, new SqlNodeList(Collections.singletonList(id), id.getParserPosition())));
        }
    }
|
    <PRIMARY> { s.add(this); } <KEY> cols = ParenthesizedSimpleIdentifierList() {
        list.add(SqlDdlNodes.primary(s.end(cols), null, cols));
    }
}

SqlCreate WeftCreateTable(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier id;
    final List<SqlNode> elements = new ArrayList<SqlNode>();
    final Span t;
}
{
    <TABLE> ifNotExists = WeftIfNotExists() id = CompoundIdentifier()
    <LPAREN> { t = span(); } WeftTableElement(elements) ( <COMMA> WeftTableElement(elements) )* <RPAREN>
    {
        return SqlDdlNodes.createTable(s.end(this), replace, ifNotExists, id,
            new SqlNodeList(elements, t.end(this)), null);
    }
}

SqlCreate WeftCreateIndex(Span s, boolean replace) :
{
    boolean unique = false;
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlIdentifier table;
    final SqlNodeList cols;
}
{
    [ <UNIQUE> { unique = true; } ] <INDEX> ifNotExists = WeftIfNotExists()
    name = CompoundIdentifier() <ON> table = CompoundIdentifier() cols = WeftIndexColumns()
    {
        return new SqlCreateIndex(s.end(this), ifNotExists, unique, name, table, cols);
    }
}

/* Index columns, each with an optional ASC or DESC (PostgreSQL's form), accepted and ignored: a range index reads
   either way. */
SqlNodeList WeftIndexColumns() :
{
    final Span s;
    final List<SqlNode> list = new ArrayList<SqlNode>();
    SqlIdentifier id;
}
{
    <LPAREN> { s = span(); }
    id = SimpleIdentifier() [ <ASC> | <DESC> ] { list.add(id); }
    ( <COMMA> id = SimpleIdentifier() [ <ASC> | <DESC> ] { list.add(id); } )*
    <RPAREN> { return new SqlNodeList(list, s.end(this)); }
}

SqlDrop WeftDropTable(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier id;
}
{
    <TABLE> ifExists = WeftIfExists() id = CompoundIdentifier() [ <CASCADE> | <RESTRICT> ]
    { return SqlDdlNodes.dropTable(s.end(this), ifExists, id); }
}

SqlDrop WeftDropIndex(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier id;
}
{
    <INDEX> ifExists = WeftIfExists() id = CompoundIdentifier()
    { return new SqlDropIndex(s.end(this), ifExists, id); }
}
